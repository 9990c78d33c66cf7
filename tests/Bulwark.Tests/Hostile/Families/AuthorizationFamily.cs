using Bulwark.Tests.Infrastructure;
using static Bulwark.Tests.Hostile.HostileRequests;

namespace Bulwark.Tests.Hostile.Families;

/// <summary>
/// Uploads by someone who may not upload: no credentials, passwords, forged or foreign tokens. Each must be
/// refused before anything is parsed or stored, whatever else is wrong with the request.
/// </summary>
[HostileFamily]
public static class AuthorizationFamily
{
    private const string F = "authorization";

    public static IEnumerable<HostileCase> Cases()
    {
        yield return new(F, "no-credentials", c => Upload(c, token: null, _ => { }), HostileExpectation.Status("authentication", 403));
        yield return new(F, "username-and-password", c =>
        {
            var r = Upload(c, token: null, _ => { });
            r.Headers.Authorization = Basic("hostile-owner", "correct horse battery staple");
            return r;
        }, HostileExpectation.Status("no longer supported", 403));
        yield return new(F, "token-of-another-project", c => Upload(c, c.OtherProjectToken, _ => { }, project: c.ExistingProject, version: "9.0"), HostileExpectation.Status("not valid for project", 403));
        yield return new(F, "project-token-creating-a-new-project", c => Upload(c, c.ProjectToken, _ => { }), HostileExpectation.Status(null, 403));
        yield return new(F, "forged-token", c => Upload(c, "bulwark_" + new string('A', 64) + "00000000", _ => { }), HostileExpectation.Status("Invalid API Token", 403));
        yield return new(F, "truncated-token", c => Upload(c, c.UnscopedToken[..^4], _ => { }), HostileExpectation.Status("Invalid API Token", 403));
        yield return new(F, "pypi-shaped-token", c => Upload(c, "pypi-AgEIcHlwaS5vcmcCJGI", _ => { }), HostileExpectation.Status("Invalid API Token", 403));
        yield return new(F, "basic-not-base64", c =>
        {
            var r = Upload(c, token: null, _ => { });
            r.Headers.TryAddWithoutValidation("Authorization", "Basic !!!not-base64!!!");
            return r;
        }, HostileExpectation.Status(null, 403));
        // Deep nesting with a foreign token: the scope check must come before any parser sees the text.
        yield return new(F, "foreign-token-with-deeply-nested-requirement", c => Upload(c, c.OtherProjectToken,
            f => f.Add("requires_dist", "a" + new string('(', 200_000)), project: c.ExistingProject, version: "9.1"), HostileExpectation.Status(null, 403));
    }
}
