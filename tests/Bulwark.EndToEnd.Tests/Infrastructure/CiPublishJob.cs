namespace Bulwark.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A CI publishing job as pypa/gh-action-pypi-publish runs it, in the runner's own terms: the repository URL is the
/// only input; the audience comes from <c>/_/oidc/audience</c> of that host; the identity token from the runner's
/// <c>ACTIONS_ID_TOKEN_REQUEST_URL</c> (bearer <c>ACTIONS_ID_TOKEN_REQUEST_TOKEN</c>); it is exchanged at
/// <c>/_/oidc/mint-token</c>, refusals are printed as "* `code`: description", and twine uploads with
/// <c>__token__</c>. Python's standard library only, run by Debian's python3; twine is Debian's.
/// </summary>
public sealed class CiPublishJob(ToolEnvironment tools, string workDirectory)
{
    private const string Script = """
        import json, os, subprocess, sys, urllib.error, urllib.request
        from urllib.parse import urlparse

        repository_url = os.environ["INPUT_REPOSITORY_URL"]
        index = "{0.scheme}://{0.netloc}".format(urlparse(repository_url))

        def fetch(request):
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return response.status, json.load(response)
            except urllib.error.HTTPError as error:
                return error.code, json.load(error)

        status, answer = fetch(index + "/_/oidc/audience")
        if status != 200:
            sys.exit(f"audience retrieval failed: {status} {answer}")
        request = urllib.request.Request(
            os.environ["ACTIONS_ID_TOKEN_REQUEST_URL"] + "&audience=" + answer["audience"],
            headers={"Authorization": "bearer " + os.environ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"]})
        status, identity = fetch(request)
        if status != 200:
            sys.exit(f"OpenID Connect token retrieval failed: {status}")
        mint = urllib.request.Request(index + "/_/oidc/mint-token", method="POST",
            data=json.dumps({"token": identity["value"]}).encode(), headers={"Content-Type": "application/json"})
        status, minted = fetch(mint)
        if status != 200:
            print("Token request failed: the server refused the request for the following reasons:", file=sys.stderr)
            for error in minted["errors"]:
                print(f"* `{error['code']}`: {error['description']}", file=sys.stderr)
            sys.exit(1)
        print(f"minted a token that expires at {minted['expires']}")
        sys.exit(subprocess.call(["/usr/bin/twine", "--no-color", "upload", "--non-interactive", "--verbose",
            "--disable-progress-bar", "--repository-url", repository_url, "-u", "__token__", "-p", minted["token"], *sys.argv[1:]]))
        """;

    public async Task<ProcessResult> RunAsync(string uploadUrl, string tokenRequestUrl, string tokenRequestToken, IEnumerable<string> files)
    {
        var script = Path.Combine(workDirectory, "ci-publish.py");
        await File.WriteAllTextAsync(script, Script);
        return await new ExternalProcess
        {
            FileName = "/usr/bin/python3",
            Arguments = [script, .. files],
            WorkingDirectory = workDirectory,
            Environment = tools.Variables(new Dictionary<string, string>
            {
                ["INPUT_REPOSITORY_URL"] = uploadUrl,
                ["ACTIONS_ID_TOKEN_REQUEST_URL"] = tokenRequestUrl,
                ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = tokenRequestToken,
            }),
            Secrets = [tokenRequestToken],
            Timeout = Publishers.Timeout,
        }.RunAsync();
    }
}
