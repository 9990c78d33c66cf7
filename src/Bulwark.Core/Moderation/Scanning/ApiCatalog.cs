namespace Bulwark.Core.Moderation.Scanning;

/// <summary>What a call can do, as far as the rules care.</summary>
[Flags]
internal enum Capability
{
    None = 0,

    /// <summary>Runs Python code given as data: exec, eval, compile, loading marshalled code.</summary>
    Exec = 1 << 0,

    /// <summary>Turns encoded, compressed or encrypted data back into bytes or text.</summary>
    Decode = 1 << 1,

    /// <summary>Starts a process or a shell command.</summary>
    Process = 1 << 2,

    /// <summary>Opens a network connection or sends a request.</summary>
    Network = 1 << 3,

    /// <summary>Writes, copies or changes the mode of a file.</summary>
    FileWrite = 1 << 4,

    /// <summary>Reads the environment.</summary>
    Environment = 1 << 5,

    /// <summary>Reads or replaces the clipboard.</summary>
    Clipboard = 1 << 6,

    /// <summary>Duplicates file descriptors (how a reverse shell wires a socket to a shell).</summary>
    DupDescriptor = 1 << 7,

    /// <summary>Resolves a host name (a DNS query can carry data out).</summary>
    Resolve = 1 << 8,

    /// <summary>Encodes data (base64, hex): what exfiltration does before sending.</summary>
    Encode = 1 << 9,

    /// <summary>Writes the Windows registry.</summary>
    Registry = 1 << 10,

    /// <summary>Decrypts browser secrets with the user's key (DPAPI) or reads keystrokes and screens.</summary>
    Spyware = 1 << 11,
}

/// <summary>The standard-library and popular third-party calls the rules recognise, by canonical dotted name.</summary>
internal static class ApiCatalog
{
    private static readonly Dictionary<string, Capability> Calls = Build();

    /// <summary>Built-in functions: a bare name that is not imported or assigned resolves to <c>builtins.NAME</c>.</summary>
    public static readonly HashSet<string> Builtins = new(StringComparer.Ordinal)
    {
        "exec", "eval", "compile", "execfile", "open", "getattr", "setattr", "__import__", "chr", "ord", "bytes", "bytearray",
        "globals", "locals", "vars", "map", "str", "input", "print", "memoryview", "breakpoint",
    };

    /// <summary>The capabilities of calling <paramref name="callee"/> (a canonical dotted name).</summary>
    public static Capability Of(string callee)
    {
        if (Calls.TryGetValue(callee, out var capability))
        {
            return capability;
        }

        // Methods on objects whose type the scanner cannot know: judged by the method name alone, and only
        // for names that mean one thing in practice.
        var dot = callee.LastIndexOf('.');
        var method = dot < 0 ? callee.AsSpan() : callee.AsSpan(dot + 1);
        return method switch
        {
            "b64decode" or "b32decode" or "b85decode" or "a85decode" or "urlsafe_b64decode" or "decodebytes" or "fromhex"
                or "unhexlify" or "decompress" or "decrypt" or "a2b_base64" or "a2b_hex" => Capability.Decode,
            "b64encode" or "urlsafe_b64encode" or "hexlify" or "b32encode" or "encodebytes" => Capability.Encode,
            "urlretrieve" => Capability.Network | Capability.FileWrite,
            "urlopen" or "sendall" or "send_message" or "sendMessage" => Capability.Network,
            "Popen" or "check_output" or "check_call" or "getoutput" or "startfile" => Capability.Process,
            "CryptUnprotectData" => Capability.Spyware,
            _ => Capability.None,
        };
    }

    private static Dictionary<string, Capability> Build()
    {
        var map = new Dictionary<string, Capability>(StringComparer.Ordinal);
        void Add(Capability capability, params string[] names)
        {
            foreach (var name in names)
            {
                map[name] = map.GetValueOrDefault(name) | capability;
            }
        }

        Add(Capability.Exec, "builtins.exec", "builtins.eval", "builtins.compile", "builtins.execfile", "marshal.loads",
            "types.FunctionType", "types.CodeType", "runpy.run_path", "runpy.run_module", "code.InteractiveInterpreter",
            "pickle.loads", "cPickle.loads", "dill.loads");
        Add(Capability.Decode, "base64.b64decode", "base64.b32decode", "base64.b16decode", "base64.b85decode",
            "base64.a85decode", "base64.decodebytes", "base64.decodestring", "base64.urlsafe_b64decode",
            "base64.standard_b64decode", "binascii.a2b_base64", "binascii.unhexlify", "binascii.a2b_hex", "codecs.decode",
            "zlib.decompress", "lzma.decompress", "bz2.decompress", "gzip.decompress", "marshal.loads", "bytes.fromhex",
            "bytearray.fromhex", "cryptography.fernet.Fernet", "Crypto.Cipher.AES.new", "Cryptodome.Cipher.AES.new");
        Add(Capability.Encode, "base64.b64encode", "base64.urlsafe_b64encode", "base64.b32encode", "base64.encodebytes",
            "binascii.hexlify", "binascii.b2a_base64", "codecs.encode");
        Add(Capability.Process, "subprocess.Popen", "subprocess.call", "subprocess.run", "subprocess.check_call",
            "subprocess.check_output", "subprocess.getoutput", "subprocess.getstatusoutput", "os.system", "os.popen",
            "os.popen2", "os.popen3", "os.execv", "os.execve", "os.execl", "os.execle", "os.execlp", "os.execvp",
            "os.execvpe", "os.spawnl", "os.spawnle", "os.spawnlp", "os.spawnv", "os.spawnve", "os.spawnvp",
            "os.startfile", "os.posix_spawn", "os.posix_spawnp", "pty.spawn", "commands.getoutput", "platform.popen",
            "asyncio.create_subprocess_shell", "asyncio.create_subprocess_exec", "win32api.ShellExecute",
            "win32process.CreateProcess", "ctypes.windll.shell32.ShellExecuteW", "ctypes.windll.kernel32.WinExec");
        Add(Capability.Network, "urllib.request.urlopen", "urllib.request.urlretrieve", "urllib.request.Request",
            "urllib.request.build_opener", "urllib2.urlopen", "urllib2.Request", "urllib.urlopen", "urllib.urlretrieve",
            "requests.get", "requests.post", "requests.put", "requests.patch", "requests.delete", "requests.head",
            "requests.request", "requests.Session", "requests.session", "httpx.get", "httpx.post", "httpx.put",
            "httpx.request", "httpx.Client", "httpx.AsyncClient", "http.client.HTTPConnection",
            "http.client.HTTPSConnection", "httplib.HTTPConnection", "httplib.HTTPSConnection", "aiohttp.ClientSession",
            "aiohttp.request", "socket.socket", "socket.create_connection", "smtplib.SMTP", "smtplib.SMTP_SSL",
            "ftplib.FTP", "telnetlib.Telnet", "pycurl.Curl", "websocket.create_connection", "websockets.connect",
            "discord_webhook.DiscordWebhook", "dhooks.Webhook", "urllib3.PoolManager", "urllib3.request",
            "paramiko.SSHClient", "wget.download");
        Add(Capability.Resolve, "socket.gethostbyname", "socket.gethostbyname_ex", "socket.getaddrinfo",
            "dns.resolver.resolve", "dns.resolver.query", "dns.resolver.Resolver");
        // Saving a download is writing a file: what the fetch-save-run rule looks for.
        Add(Capability.FileWrite, "urllib.request.urlretrieve", "urllib.urlretrieve", "wget.download");
        Add(Capability.FileWrite, "shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.move", "os.rename",
            "os.chmod", "os.replace", "os.makedirs");
        Add(Capability.Environment, "os.getenv", "os.environ", "os.environ.get", "os.environ.copy", "os.environ.items",
            "os.environ.values", "os.environ.keys", "os.getenvb", "os.environb");
        Add(Capability.Clipboard, "pyperclip.copy", "pyperclip.paste", "win32clipboard.GetClipboardData",
            "win32clipboard.SetClipboardText", "win32clipboard.SetClipboardData", "win32clipboard.OpenClipboard",
            "clipboard.copy", "clipboard.paste", "ctypes.windll.user32.OpenClipboard", "ctypes.windll.user32.GetClipboardData",
            "ctypes.windll.user32.SetClipboardData", "xerox.copy", "xerox.paste");
        Add(Capability.DupDescriptor, "os.dup2");
        Add(Capability.Registry, "winreg.SetValueEx", "winreg.CreateKey", "winreg.CreateKeyEx", "_winreg.SetValueEx",
            "_winreg.CreateKey");
        Add(Capability.Spyware, "win32crypt.CryptUnprotectData", "ctypes.windll.crypt32.CryptUnprotectData",
            "pynput.keyboard.Listener", "keyboard.on_press", "keyboard.hook", "PIL.ImageGrab.grab", "pyautogui.screenshot",
            "browser_cookie3.chrome", "browser_cookie3.load", "browser_cookie3.firefox");
        return map;
    }
}
