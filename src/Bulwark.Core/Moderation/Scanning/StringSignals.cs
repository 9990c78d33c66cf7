using System.Buffers;
using System.Text.RegularExpressions;

namespace Bulwark.Core.Moderation.Scanning;

/// <summary>What a constant string points at, as far as the rules care.</summary>
[Flags]
internal enum Signal
{
    None = 0,

    /// <summary>A Discord webhook with its id and token, or a Telegram bot URL with its token: a ready-made drop box.</summary>
    Webhook = 1 << 0,

    /// <summary>A paste or file-drop site (pastebin, transfer.sh, gofile...): where stolen data and second stages are parked.</summary>
    PasteSite = 1 << 1,

    /// <summary>A tunnel or request-capture host (ngrok, serveo, requestbin, pipedream, interactsh, burp collaborator...).</summary>
    CaptureHost = 1 << 2,

    /// <summary>A URL whose host is a public IPv4 address.</summary>
    RawIpUrl = 1 << 3,

    /// <summary>Browser password, cookie or key stores (Chrome's Login Data, Local State, Firefox's logins.json...).</summary>
    BrowserData = 1 << 4,

    /// <summary>Discord's token store or the token pattern itself.</summary>
    DiscordToken = 1 << 5,

    /// <summary>Cryptocurrency wallet files and browser-wallet extension ids.</summary>
    Wallet = 1 << 6,

    /// <summary>SSH private keys and the ~/.ssh directory.</summary>
    SshKeys = 1 << 7,

    /// <summary>Cloud and registry credential files (~/.aws/credentials, ~/.kube/config, ~/.pypirc, ~/.git-credentials...).</summary>
    CloudCredentials = 1 << 8,

    /// <summary>System and history files that reconnaissance reads (/etc/passwd, /etc/shadow, ~/.bash_history...).</summary>
    SystemFiles = 1 << 9,

    /// <summary>The name of an environment variable that holds a secret (AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN...).</summary>
    SecretEnvName = 1 << 10,

    /// <summary>A shell command that downloads and runs something (curl | sh, powershell -enc, certutil -urlcache...).</summary>
    ShellDownloader = 1 << 11,

    /// <summary>A reverse-shell idiom (/dev/tcp/, nc -e, bash -i >&amp;).</summary>
    ReverseShell = 1 << 12,

    /// <summary>A persistence location: Windows Run keys or Startup folder, crontab, shell profiles, LaunchAgents, systemd units.</summary>
    Persistence = 1 << 13,

    /// <summary>A regular expression or literal for cryptocurrency addresses (what clipboard hijackers look for).</summary>
    CryptoAddress = 1 << 14,

    /// <summary>A messaging API that bots post to (Discord webhooks, Telegram bots) without a hard-coded token.</summary>
    MessengerApi = 1 << 17,

    /// <summary>PyArmor's runtime markers.</summary>
    PyArmor = 1 << 15,

    /// <summary>A command interpreter path (/bin/sh, cmd.exe, powershell).</summary>
    Shell = 1 << 16,
}

/// <summary>Classifies constant strings. A vectorised pre-filter keeps the common case (no hint at all) to one pass.</summary>
internal static partial class StringSignals
{
    // Specific enough that ordinary strings (messages, format strings, "token" and "password" in HTTP code) rarely
    // take the slow path; every check below needs one of these in the string.
    private static readonly string[] HintList =
    [
        "://", "webhook", "telegram", "paste", "transfer.sh", "gofile", "ngrok", "serveo", "localtunnel", "trycloudflare",
        "interact.sh", "oast.", "oastify", "burpcollab", "requestbin", "pipedream", "canarytoken", "dnslog", "login data",
        "\\cookies", "/cookies", "local state", "web data", "leveldb", "local storage", "discord", "exodus", "electrum",
        "wallet.dat", "keystore", "metamask", "nkbihfbeogae", "coinomi", "guarda", "jaxx", "armory", ".ssh", "id_rsa",
        "id_dsa", "id_ed25519", "id_ecdsa", ".aws", ".docker/config", "npmrc", "pypirc", "git-credentials", "netrc",
        "gcloud/credentials", ".azure", "/etc/passwd", "/etc/shadow", "/etc/hosts", "_history", ".gitconfig", "curl",
        "wget", "powershell", "certutil", "bitsadmin", "mshta", "start-process", "/dev/tcp", "nc -", "ncat", "bash -i",
        "sh -i", "socat", "mkfifo", "/bin/sh", "/bin/bash", "cmd.exe", "currentversion", "startup\\", "\\startup",
        "/startup", "crontab", "/etc/cron", "bashrc", "zshrc", ".profile", "launchagents", "systemd/", "rc.local", "{24}",
        "{25,", "{26,", "{33}", "{40}", "{9", "[13]", "[lm3]", "mfa\\", "dqw4w9wgxcq", "pyarmor", "pytransform", "__armor",
        "logins.json", "key4.db", "powershell.exe",
    ];

    private static readonly SearchValues<string> Hints = SearchValues.Create(HintList, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <see cref="Classify"/> could find anything in <paramref name="text"/> (the cheap first pass).</summary>
    public static bool MayMatch(ReadOnlySpan<char> text) =>
        text.Length >= 3 && (text.IndexOfAny(Hints) >= 0 || (text.Length is > 3 and < 64 && text.IndexOfAnyExcept(UpperIdentifierChars) < 0)
            || text is "sh" or "bash" or "cmd" or "powershell");

    /// <summary>The signals in <paramref name="text"/>, with the part that matched first.</summary>
    public static (Signal Signals, string Evidence) Classify(string text)
    {
        if (text.Length < 3)
        {
            return (Signal.None, "");
        }

        if (text.AsSpan().IndexOfAny(Hints) < 0)
        {
            // Environment variable names and bare shell names carry no hint substring of their own.
            return IsUpperIdentifier(text) && SecretEnvName().IsMatch(text) ? (Signal.SecretEnvName, text)
                : text is "sh" or "bash" or "cmd" or "powershell" ? (Signal.Shell, text)
                : (Signal.None, "");
        }

        var signals = Signal.None;
        string? evidence = null;
        void Hit(Signal signal, string what)
        {
            signals |= signal;
            evidence ??= what;
        }

        foreach (Match url in UrlPattern().Matches(text.Length > 65536 ? text[..65536] : text))
        {
            var host = url.Groups["host"].Value.ToLowerInvariant();
            var rest = url.Groups["rest"].Value;
            if (DiscordWebhook().IsMatch(url.Value) || TelegramBot().IsMatch(url.Value))
            {
                Hit(Signal.Webhook, url.Value);
            }
            else if (host is "api.telegram.org" || ((host.EndsWith("discord.com", StringComparison.Ordinal) || host.EndsWith("discordapp.com", StringComparison.Ordinal))
                && rest.Contains("/webhooks", StringComparison.OrdinalIgnoreCase)))
            {
                Hit(Signal.MessengerApi, url.Value);
            }
            else if (EndsWithAny(host, PasteHosts))
            {
                Hit(Signal.PasteSite, url.Value);
            }
            else if (EndsWithAny(host, CaptureHosts))
            {
                Hit(Signal.CaptureHost, url.Value);
            }
            else if (IsPublicIPv4(host) && !rest.StartsWith(":0", StringComparison.Ordinal))
            {
                Hit(Signal.RawIpUrl, url.Value);
            }
        }

        var lower = text.Length > 65536 ? text[..65536].ToLowerInvariant() : text.ToLowerInvariant();
        if (ContainsAny(lower, "login data", "\\local state", "/local state", "logins.json", "key4.db", "web data", "\\cookies", "/cookies")
            && ContainsAny(lower, "chrome", "user data", "edge", "brave", "opera", "firefox", "yandex", "chromium", "login data", "logins.json", "key4.db", "local state"))
        {
            Hit(Signal.BrowserData, Excerpt(text));
        }

        if ((lower.Contains("discord") && ContainsAny(lower, "local storage", "leveldb")) || DiscordTokenPattern().IsMatch(text)
            || lower.Contains("dqw4w9wgxcq:"))
        {
            Hit(Signal.DiscordToken, Excerpt(text));
        }

        if (ContainsAny(lower, "exodus\\exodus.wallet", "exodus/exodus.wallet", "electrum\\wallets", "electrum/wallets", "wallet.dat",
                "ethereum\\keystore", "ethereum/keystore", "nkbihfbeogaeaoehlefnkodbefgpgknn", "atomic\\local storage", "coinomi", "guarda\\",
                "jaxx\\", "armory\\", "bitcoin\\wallets", "metamask"))
        {
            Hit(Signal.Wallet, Excerpt(text));
        }

        // Secret files count only when the string is a path (no prose around it): a log message that mentions
        // ".pypirc" or documentation about "~/.aws/models" reads nothing. Only private keys count under ~/.ssh;
        // known_hosts and config are what every SSH client reads.
        if (!lower.Contains(' ') || lower.Length <= 3)
        {
            if (ContainsAny(lower, ".ssh/id_", ".ssh\\id_") || lower is ".ssh" or "~/.ssh" or "~/.ssh/" or "id_rsa" or "id_dsa" or "id_ecdsa" or "id_ed25519")
            {
                Hit(Signal.SshKeys, Excerpt(text));
            }

            if (ContainsAny(lower, ".aws/credentials", ".aws\\credentials", ".docker/config.json", ".git-credentials", ".config/gcloud/credentials",
                    "/.netrc", "~/.netrc", ".azure/accesstokens.json") || lower is "~/.aws" or ".git-credentials" or ".netrc" or ".pypirc" or ".npmrc" or "~/.pypirc" or "~/.npmrc")
            {
                Hit(Signal.CloudCredentials, Excerpt(text));
            }

            if (ContainsAny(lower, "/etc/passwd", "/etc/shadow", ".bash_history", ".zsh_history", "/etc/hosts", ".gitconfig"))
            {
                Hit(Signal.SystemFiles, Excerpt(text));
            }
        }

        if (SecretEnvName().IsMatch(text))
        {
            Hit(Signal.SecretEnvName, text);
        }

        if (ShellDownloader().IsMatch(lower))
        {
            Hit(Signal.ShellDownloader, Excerpt(text));
        }

        if (ReverseShell().IsMatch(lower))
        {
            Hit(Signal.ReverseShell, Excerpt(text));
        }

        if (ContainsAny(lower, "currentversion\\run", "currentversion\\\\run", "start menu\\programs\\startup", "start menu/programs/startup",
                "\\startup\\", "crontab", "/.bashrc", "~/.bashrc", "/.zshrc", "~/.profile", "/.profile", "launchagents", ".config/systemd/user",
                "/etc/systemd/system", "/etc/rc.local", "/etc/cron"))
        {
            Hit(Signal.Persistence, Excerpt(text));
        }

        if (CryptoAddressPattern().IsMatch(text))
        {
            Hit(Signal.CryptoAddress, Excerpt(text));
        }

        if (ContainsAny(lower, "pyarmor", "pytransform", "__armor"))
        {
            Hit(Signal.PyArmor, Excerpt(text));
        }

        if (lower is "/bin/sh" or "/bin/bash" or "sh" or "bash" or "cmd.exe" or "cmd" or "powershell" or "powershell.exe" || lower.StartsWith("/bin/sh -i", StringComparison.Ordinal))
        {
            Hit(Signal.Shell, text);
        }

        return (signals, evidence ?? "");
    }

    private static bool IsUpperIdentifier(string text) =>
        text.Length is > 3 and < 64 && text.AsSpan().IndexOfAnyExcept(UpperIdentifierChars) < 0;

    private static readonly SearchValues<char> UpperIdentifierChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    private static readonly string[] PasteHosts =
    [
        "pastebin.com", "paste.ee", "pastie.io", "hastebin.com", "ghostbin.com", "rentry.co", "rentry.org", "controlc.com",
        "paste.website", "pastebin.pl", "dpaste.com", "dpaste.org", "transfer.sh", "anonfiles.com", "file.io", "gofile.io",
        "0x0.st", "termbin.com", "paste.rs", "justpaste.it", "privatebin.net", "bashupload.com",
    ];

    private static readonly string[] CaptureHosts =
    [
        "ngrok.io", "ngrok-free.app", "ngrok.app", "ngrok.dev", "serveo.net", "loca.lt", "localtunnel.me", "trycloudflare.com",
        "requestbin.net", "requestbin.com", "pipedream.net", "webhook.site", "interact.sh",
        "oast.fun", "oast.me", "oast.pro", "oast.live", "oast.site", "oast.online", "burpcollaborator.net", "oastify.com",
        "canarytokens.com", "dnslog.cn", "ceye.io", "beeceptor.com", "hookbin.com", "requestcatcher.com", "portmap.io",
        "playit.gg", "bore.pub", "pinggy.io", "localhost.run",
    ];

    private static bool EndsWithAny(string host, string[] suffixes)
    {
        foreach (var suffix in suffixes)
        {
            if (host == suffix || (host.EndsWith(suffix, StringComparison.Ordinal) && host[^(suffix.Length + 1)] == '.'))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ContainsAny(string text, params string[] needles)
    {
        foreach (var needle in needles)
        {
            if (text.Contains(needle, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A public IPv4 address: not loopback, private, link-local (the cloud metadata address), documentation or multicast.</summary>
    internal static bool IsPublicIPv4(string host)
    {
        var parts = host.Split('.');
        if (parts.Length != 4 || !parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit) && int.Parse(p) <= 255))
        {
            return false;
        }

        var (a, b, c) = (int.Parse(parts[0]), int.Parse(parts[1]), int.Parse(parts[2]));
        return !(a is 0 or 10 or 127 or >= 224 || (a == 169 && b == 254) || (a == 172 && b is >= 16 and <= 31) || (a == 192 && b == 168)
            || (a == 100 && b is >= 64 and <= 127) || (a == 192 && b == 0 && c is 0 or 2) || (a == 198 && b is 18 or 19)
            || (a == 198 && b == 51 && c == 100) || (a == 203 && b == 0 && c == 113) || parts.All(p => p == "0") || a == 255);
    }

    private static string Excerpt(string text) => text.Length <= 160 ? text : text[..160] + "...";

    [GeneratedRegex(@"(?:https?|wss?|ftp)://(?<host>[A-Za-z0-9.\-]+)(?<rest>[^\s'""<>]*)", RegexOptions.CultureInvariant)]
    private static partial Regex UrlPattern();

    [GeneratedRegex(@"discord(?:app)?\.com/api/(?:v\d+/)?webhooks/\d{15,}/[\w-]{20,}", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex DiscordWebhook();

    [GeneratedRegex(@"api\.telegram\.org/bot\d{6,}:[\w-]{30,}", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex TelegramBot();

    [GeneratedRegex(@"\{24\}\\\.\[[^\]]*\]\{6\}\\\.|mfa\\\.\[[^\]]*\]\{84\}|\[\\w-\]\{24,26\}", RegexOptions.CultureInvariant)]
    private static partial Regex DiscordTokenPattern();

    [GeneratedRegex(@"^(?:AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID|AWS_SESSION_TOKEN|GITHUB_TOKEN|GH_TOKEN|GITLAB_TOKEN|NPM_TOKEN|PYPI_TOKEN|TWINE_PASSWORD|DISCORD_TOKEN|SLACK_TOKEN|OPENAI_API_KEY|AZURE_CLIENT_SECRET|GOOGLE_APPLICATION_CREDENTIALS|DOCKER_PASSWORD|HEROKU_API_KEY|[A-Z0-9_]*(?:SECRET_KEY|PRIVATE_KEY|API_KEY|ACCESS_TOKEN|AUTH_TOKEN))$", RegexOptions.CultureInvariant)]
    private static partial Regex SecretEnvName();

    // Non-backtracking (here and below): "curl URL " or "mkfifo " repeated thousands of times made the backtracking
    // engine run for minutes or seconds.
    [GeneratedRegex(@"(?:curl|wget)(?:\.exe)?\s[^|;&\n]*(?:\|\s*(?:ba|z)?sh\b|\|\s*python|&&\s*(?:chmod|\./|sh |bash |python|start)|-o\s*/tmp/|-O\s*/tmp/|https?://\S+\.(?:exe|sh|ps1|bat|vbs|scr|msi|bin|elf|py)\b)|(?:curl|wget)(?:\.exe)?\s[^\n]*https?://[^\n]*(?:&&|;|&|\|)\s*(?:start|chmod|\./|/tmp/|%temp%|%appdata%|bash|sh|python)|powershell[^\n]{0,80}(?:-e(?:nc(?:odedcommand)?)?\s|iex|invoke-expression|downloadstring|downloadfile|invoke-webrequest|iwr\s)|certutil[^\n]{0,40}-urlcache|bitsadmin[^\n]{0,40}/transfer|mshta\s+https?:|start-process[^\n]{0,80}https?:|(?:curl|wget)(?:\.exe)?\s[^\n]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:/\S*/)?(?:(?:ba|z|da|k)?sh|python[\d.]*|perl|ruby|node)\b|(?:\b(?:ba|z|da|k)?sh|python[\d.]*|perl|ruby|node|eval|source)\s+(?:-\S+\s+)*['""]?(?:\$\(|`|<\()\s*(?:curl|wget)\b", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex ShellDownloader();

    [GeneratedRegex(@"/dev/tcp/|\bnc(?:at)?\s+(?:-\w+\s+)*-e\s|bash\s+-i\s*>&|sh\s+-i\s*>&|socat\s[^\n]*exec:|mkfifo\s[^\n]*\bnc\b|0<&\d+;?\s*exec", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex ReverseShell();

    [GeneratedRegex(@"\(bc1\|\[13\]\)|\^?\(?bc1\|?\[?13|\[13\]\[a-km-zA-HJ-NP-Z1-9\]\{2[5-9],3[0-9]\}|0x\[a-fA-F0-9\]\{40\}|\^0x\[0-9a-fA-F\]\{40\}|\[LM3\]\[a-km-zA-HJ-NP-Z1-9\]|\^4\[0-9AB\]\[1-9A-HJ-NP-Za-km-z\]\{9[0-9]\}|T\[A-Za-z1-9\]\{33\}", RegexOptions.CultureInvariant)]
    private static partial Regex CryptoAddressPattern();
}
