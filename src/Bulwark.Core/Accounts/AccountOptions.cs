namespace Bulwark.Core.Accounts;

/// <summary>
/// The <c>Bulwark:Accounts</c> configuration section. Defaults are the security baseline's numbers; the
/// validation attributes stop an operator from loosening them past the baseline's ceilings.
/// </summary>
public sealed class AccountOptions
{
    public const string Section = "Bulwark:Accounts";

    public SessionOptions Sessions { get; set; } = new();
    public AccountLinkOptions Links { get; set; } = new();
    public ThrottleOptions Throttling { get; set; } = new();
}
