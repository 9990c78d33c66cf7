namespace Bulwark.Core.Accounts;

/// <summary>
/// Absolute links for e-mails, built on the external base URL that the web layer knows. The paths are
/// the contract with the pages that handle them; one-time secrets travel in the <c>token</c> query
/// parameter (those pages must send <c>Referrer-Policy: no-referrer</c>).
/// </summary>
public sealed class AccountLinks(Func<Uri> baseUrl)
{
    public const string SignInPath = "/account/login";
    public const string ForgotPasswordPath = "/account/forgot-password";
    public const string VerifyEmailPath = "/account/verify-email";
    public const string ResetPasswordPath = "/account/reset-password";
    public const string ConfirmEmailChangePath = "/account/confirm-email";
    public const string ConfirmDevicePath = "/account/confirm-device";
    public const string InvitationsPath = "/account/invitations";
    public const string ReportSignInPath = "/account/not-me";
    public const string ContinueSignInPath = "/account/continue-sign-in";

    public AccountLinks(Uri baseUrl) : this(() => baseUrl)
    {
    }

    public Uri SignIn() => Build(SignInPath);
    public Uri ForgotPassword() => Build(ForgotPasswordPath);
    public Uri VerifyEmail(string secret) => Build(VerifyEmailPath, secret);
    public Uri ResetPassword(string secret) => Build(ResetPasswordPath, secret);
    public Uri ConfirmEmailChange(string secret) => Build(ConfirmEmailChangePath, secret);
    public Uri ConfirmDevice(string secret) => Build(ConfirmDevicePath, secret);
    public Uri Invitations() => Build(InvitationsPath);
    public Uri ReportSignIn(string secret) => Build(ReportSignInPath, secret);
    public Uri ContinueSignIn(string secret) => Build(ContinueSignInPath, secret);
    public Uri Security() => Build("/account/security");
    public Uri Project(string normalizedName) => Build("/project/" + Uri.EscapeDataString(normalizedName) + "/");
    public Uri ProjectPublishing(string normalizedName) => Build("/manage/project/" + Uri.EscapeDataString(normalizedName) + "/publishing");
    public Uri Tokens() => Build("/account/tokens/");

    private Uri Build(string path, string? token = null)
    {
        var root = baseUrl().GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri(root + path + (token is null ? "" : "?token=" + Uri.EscapeDataString(token)));
    }
}
