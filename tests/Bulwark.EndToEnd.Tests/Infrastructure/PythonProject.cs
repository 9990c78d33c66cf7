using System.Text;

namespace Bulwark.EndToEnd.Tests.Infrastructure;

public enum BuildBackend
{
    Setuptools,
    Hatchling,
    FlitCore,
}

/// <summary>
/// A real Python project (PEP 621 <c>pyproject.toml</c>, a markdown README, one import package) that
/// <see cref="PackageFactory"/> writes to disk and builds with a real build backend.
/// </summary>
public sealed record PythonProject(string Name, string Version, BuildBackend Backend = BuildBackend.Setuptools)
{
    public IReadOnlyList<string> Dependencies { get; init; } = [];
    public string? RequiresPython { get; init; }
    public string Summary { get; init; } = "A package built by Bulwark's end-to-end tests";
    public string? Readme { get; init; }

    /// <summary>The import package: the name normalized with underscores (PEP 503, then '-' to '_').</summary>
    public string ImportName => NormalizedName.Replace('-', '_');

    public string NormalizedName =>
        System.Text.RegularExpressions.Regex.Replace(Name, "[-_.]+", "-").ToLowerInvariant();

    public string ReadmeText => Readme ?? $"# {Name}\n\nVersion **{Version}**, built with `{Backend}`.\n\n- one\n- two\n";

    /// <summary>Identifies one build: equal keys give byte-identical inputs.</summary>
    public string CacheKey => string.Join('\u001f', Name, Version, Backend, string.Join('\u001e', Dependencies), RequiresPython ?? "", Summary, ReadmeText);

    public void WriteTo(string directory)
    {
        Directory.CreateDirectory(Path.Combine(directory, ImportName));
        File.WriteAllText(Path.Combine(directory, "pyproject.toml"), PyProjectToml());
        File.WriteAllText(Path.Combine(directory, "README.md"), ReadmeText);
        File.WriteAllText(Path.Combine(directory, ImportName, "__init__.py"),
            $"\"\"\"{Summary}.\"\"\"\n\n__version__ = \"{Version}\"\n\n\ndef identify():\n    return \"{NormalizedName} {Version}\"\n");
    }

    private string PyProjectToml()
    {
        var toml = new StringBuilder();
        toml.Append("[build-system]\n");
        toml.Append(Backend switch
        {
            BuildBackend.Setuptools => "requires = [\"setuptools>=61\"]\nbuild-backend = \"setuptools.build_meta\"\n",
            BuildBackend.Hatchling => "requires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n",
            BuildBackend.FlitCore => "requires = [\"flit_core>=3.4,<4\"]\nbuild-backend = \"flit_core.buildapi\"\n",
            _ => throw new ArgumentOutOfRangeException(nameof(Backend)),
        });
        toml.Append("\n[project]\n");
        toml.Append($"name = {Toml(Name)}\nversion = {Toml(Version)}\ndescription = {Toml(Summary)}\n");
        toml.Append("readme = \"README.md\"\n");
        toml.Append("authors = [{ name = \"Bulwark Tests\", email = \"tests@example.com\" }]\n");
        if (RequiresPython is not null) toml.Append($"requires-python = {Toml(RequiresPython)}\n");
        toml.Append($"dependencies = [{string.Join(", ", Dependencies.Select(Toml))}]\n");
        toml.Append("classifiers = [\"Programming Language :: Python :: 3\"]\n");
        if (Backend == BuildBackend.FlitCore)
        {
            // flit_core looks for a module named like the distribution unless told otherwise.
            toml.Append($"\n[tool.flit.module]\nname = {Toml(ImportName)}\n");
        }
        if (Backend == BuildBackend.Setuptools)
        {
            toml.Append($"\n[tool.setuptools]\npackages = [{Toml(ImportName)}]\n");
        }
        return toml.ToString();
    }

    internal static string Toml(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}

/// <summary>A project in poetry's own format (poetry 1.3 does not read PEP 621), built by <c>poetry publish --build</c>.</summary>
public sealed record PoetryProject(string Name, string Version)
{
    public string ImportName => System.Text.RegularExpressions.Regex.Replace(Name, "[-_.]+", "_").ToLowerInvariant();

    public void WriteTo(string directory)
    {
        Directory.CreateDirectory(Path.Combine(directory, ImportName));
        File.WriteAllText(Path.Combine(directory, "README.md"), $"# {Name}\n\nPublished with **poetry**.\n");
        File.WriteAllText(Path.Combine(directory, ImportName, "__init__.py"), $"__version__ = \"{Version}\"\n");
        File.WriteAllText(Path.Combine(directory, "pyproject.toml"), $$"""
            [tool.poetry]
            name = {{PythonProject.Toml(Name)}}
            version = {{PythonProject.Toml(Version)}}
            description = "A package published by poetry in Bulwark's end-to-end tests"
            authors = ["Bulwark Tests <tests@example.com>"]
            readme = "README.md"
            packages = [{ include = {{PythonProject.Toml(ImportName)}} }]

            [tool.poetry.dependencies]
            python = ">=3.8"

            [build-system]
            requires = ["poetry-core>=1.0.0"]
            build-backend = "poetry.core.masonry.api"

            """);
    }
}
