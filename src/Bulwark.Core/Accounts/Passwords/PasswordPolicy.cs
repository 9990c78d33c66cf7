using System.Text;

namespace Bulwark.Core.Accounts.Passwords;

public enum PasswordProblem
{
    TooShort = 1,
    TooLong,
    Common,
    ContextWord,
    Repetitive,
    Sequential,
}

/// <summary>Words a guesser who targets this account would try first.</summary>
public sealed record PasswordContext(string? Username, string? Email)
{
    public static readonly PasswordContext None = new(null, null);
}

public sealed record PasswordVerdict(PasswordProblem? Problem, string? Message)
{
    public static readonly PasswordVerdict Acceptable = new(null, null);

    public bool IsAcceptable => Problem is null;
}

/// <summary>
/// The rules for a new password (security baseline, after NIST SP 800-63B): a length floor and ceiling,
/// no composition rules, and a refusal of passwords an attacker would guess early — common and breached
/// ones, ones built on the username, e-mail or site name, and repetitive or sequential strings. Each
/// refusal says why, so the user can pick something better rather than add a "1!".
/// </summary>
public sealed class PasswordPolicy(CommonPasswordList? commonPasswords = null)
{
    /// <summary>The baseline floor for everyone (NIST asks 15 for password-only, 8 with 2FA; we hold 12).</summary>
    public const int MinLength = 12;
    public const int MaxBytes = PasswordHasher.MaxPasswordBytes;
    private const string SiteWord = "bulwark";

    private readonly CommonPasswordList _common = commonPasswords ?? CommonPasswordList.Default;

    public PasswordVerdict Check(string password, PasswordContext? context = null)
    {
        context ??= PasswordContext.None;
        // Length counts user-perceived characters (text elements), so an emoji is not "four characters".
        var length = new System.Globalization.StringInfo(password).LengthInTextElements;
        if (length < MinLength)
        {
            return Refuse(PasswordProblem.TooShort, $"Passwords must be at least {MinLength} characters long. A few random words make a long password that is easy to remember.");
        }
        if (Encoding.UTF8.GetByteCount(password) > MaxBytes)
        {
            // A ceiling keeps Argon2 input bounded; the password is refused, never silently truncated.
            return Refuse(PasswordProblem.TooLong, $"Passwords must be at most {MaxBytes} bytes long.");
        }
        var lower = password.ToLowerInvariant();
        if (PasswordPatterns.IsRepetitive(lower))
        {
            return Refuse(PasswordProblem.Repetitive, "This password repeats the same characters or pattern, which attackers try early. Choose one without long repetitions.");
        }
        if (PasswordPatterns.IsMostlySequential(lower))
        {
            return Refuse(PasswordProblem.Sequential, "This password is mostly a sequence (like \"abcdef\", \"123456\" or a row of keys such as \"qwerty\"), which attackers try early.");
        }
        if (IsCommon(lower))
        {
            return Refuse(PasswordProblem.Common, "This password is on a list of common and breached passwords (possibly with digits, symbols or look-alike letters added), so attackers try it early. Choose a different password.");
        }
        if (ContextWordProblem(lower, context) is { } word)
        {
            return Refuse(PasswordProblem.ContextWord, $"This password is built around \"{word}\" (your username, your e-mail address or the site name). Someone targeting your account would try that first; the rest of the password must be strong on its own.");
        }
        return PasswordVerdict.Acceptable;
    }

    /// <summary>
    /// The list is mostly short passwords, which the length floor already refuses; what reaches the floor
    /// is usually one of them padded with digits or symbols, or with look-alike substitutions. So the core
    /// left after stripping those is checked too.
    /// </summary>
    private bool IsCommon(string lower)
    {
        if (_common.Contains(lower)) return true;
        var core = lower.Trim(PasswordPatterns.PaddingCharacters);
        var padding = lower.Length - core.Length;
        if (core.Length < 4) return false; // nothing but digits and symbols: the pattern checks judged it
        var paddingIsWeak = padding < 6 || IsWeakPadding(lower, core);
        foreach (var candidate in PasswordPatterns.Unsubstituted(core))
        {
            if (_common.Contains(candidate) && (paddingIsWeak || candidate == lower)) return true;
        }
        return false;
    }

    /// <summary>
    /// Padding like "123456", "2024!" or "!!!!!!" adds nothing a guesser does not try; eleven random
    /// digits do. Up to four digits (a year, a PIN) plus symbols count as weak.
    /// </summary>
    private bool IsWeakPadding(string lower, string core)
    {
        var start = lower.IndexOf(core, StringComparison.Ordinal);
        var padding = lower[..start] + lower[(start + core.Length)..];
        var digits = new string(padding.Where(char.IsAsciiDigit).ToArray());
        return digits.Length <= 4
            || _common.Contains(padding) || _common.Contains(digits)
            || PasswordPatterns.IsRepetitive(digits) || PasswordPatterns.IsMostlySequential(digits);
    }

    /// <summary>
    /// A password that contains a context word is accepted only if what is left without that word would
    /// pass the length floor on its own: the word adds nothing for someone who knows whose account it is.
    /// </summary>
    private string? ContextWordProblem(string lower, PasswordContext context)
    {
        foreach (var word in ContextWords(context))
        {
            if (!lower.Contains(word, StringComparison.Ordinal)) continue;
            var rest = lower.Replace(word, "", StringComparison.Ordinal);
            if (rest.Length < MinLength || PasswordPatterns.IsRepetitive(rest) || _common.Contains(rest.Trim(PasswordPatterns.PaddingCharacters)))
            {
                return word;
            }
        }
        return null;
    }

    private static IEnumerable<string> ContextWords(PasswordContext context)
    {
        yield return SiteWord;
        if (context.Username is { Length: >= 3 } user) yield return user.ToLowerInvariant();
        if (context.Email is { } email)
        {
            var at = email.LastIndexOf('@');
            if (at >= 3) yield return email[..at].ToLowerInvariant();
            if (at >= 0 && email[(at + 1)..].Split('.')[0] is { Length: >= 4 } domain) yield return domain.ToLowerInvariant();
        }
    }

    private static PasswordVerdict Refuse(PasswordProblem problem, string message) => new(problem, message);
}
