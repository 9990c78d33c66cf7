using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;

namespace Bulwark.Tests.Infrastructure;

/// <summary>
/// A real SMTP server for tests: Debian's aiosmtpd (<c>python3 -m aiosmtpd</c>) on a free loopback port,
/// printing every message it receives to standard output, which is parsed back with MimeKit.
/// </summary>
public sealed class Aiosmtpd : IDisposable
{
    private const string Begin = "---------- MESSAGE FOLLOWS ----------";
    private const string End = "------------ END MESSAGE ------------";
    private readonly Process _process;
    private readonly List<MimeMessage> _received = [];
    private readonly List<string> _current = [];
    private bool _inMessage;

    public Aiosmtpd()
    {
        Port = FreePort();
        var start = new ProcessStartInfo("/usr/bin/python3", ["-u", "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start aiosmtpd");
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // Never outlive the test run, whichever way the fixture is torn down.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
        WaitUntilListening();
    }

    public int Port { get; }

    public async Task<MimeMessage> WaitForAsync(string to, string subject)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            lock (_received)
            {
                var found = _received.FirstOrDefault(m =>
                    m.To.Mailboxes.Any(b => b.Address == to) && (m.Subject ?? "").Contains(subject, StringComparison.Ordinal));
                if (found is not null) return found;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"aiosmtpd received no message to {to} with subject '{subject}'.");
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_received)
        {
            if (line == Begin)
            {
                _inMessage = true;
                _current.Clear();
            }
            else if (line == End && _inMessage)
            {
                _inMessage = false;
                var raw = string.Join("\r\n", _current) + "\r\n";
                _received.Add(MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw))));
            }
            else if (_inMessage)
            {
                _current.Add(line);
            }
        }
    }

    private void WaitUntilListening()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"aiosmtpd exited with {_process.ExitCode}; is python3-aiosmtpd installed?");
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private int _disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(5000);
        _process.Dispose();
    }
}
