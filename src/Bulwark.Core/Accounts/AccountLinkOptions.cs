using System.ComponentModel.DataAnnotations;

namespace Bulwark.Core.Accounts;

public sealed class AccountLinkOptions
{
    /// <summary>E-mail verification links (baseline: at most 24 h).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")]
    public TimeSpan VerifyEmailLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Password-reset links (baseline: at most 1 h).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "01:00:00")]
    public TimeSpan ResetPasswordLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Links that confirm a new e-mail address.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")]
    public TimeSpan ChangeEmailLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Links that confirm an unrecognised device (Warehouse: 6 h).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "06:00:00")]
    public TimeSpan ConfirmDeviceLifetime { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// Links that finish a sign-in made while the account's failure limit was reached (the right password
    /// from a browser the account does not know). Short: the person is waiting at the sign-in page.
    /// </summary>
    [Range(typeof(TimeSpan), "00:05:00", "01:00:00")]
    public TimeSpan ContinueSignInLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long the "this was not me" link of a new-device mail works: long enough for someone
    /// back from a holiday to read the mail. Opening it only ever locks the account down.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "30.00:00:00")]
    public TimeSpan ReportSignInLifetime { get; set; } = TimeSpan.FromDays(14);
}
