using System.Diagnostics;
using System.Globalization;

namespace Bulwark.Core.Tests.Accounts.SecondFactors;

/// <summary>
/// Debian's <c>oathtool</c> as an independent TOTP client: codes come from a different implementation than
/// the one under test. scripts/test.sh installs it; a missing binary fails the test, never skips it.
/// </summary>
public static class Oathtool
{
    public static string Totp(string base32Secret, DateTimeOffset at)
    {
        var psi = new ProcessStartInfo("oathtool")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("--totp");
        psi.ArgumentList.Add("-b");
        psi.ArgumentList.Add(base32Secret);
        psi.ArgumentList.Add("--now");
        psi.ArgumentList.Add(at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC");
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("oathtool did not start.");
        var output = process.StandardOutput.ReadToEnd().Trim();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"oathtool failed ({process.ExitCode}): {error}");
        Assert.Matches("^[0-9]{6}$", output);
        return output;
    }
}
