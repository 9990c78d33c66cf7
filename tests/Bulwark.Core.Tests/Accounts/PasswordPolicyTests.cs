using Bulwark.Core.Accounts.Passwords;

namespace Bulwark.Core.Tests.Accounts;

public class PasswordPolicyTests
{
    private static readonly PasswordPolicy Policy = new();
    private static readonly PasswordContext Alice = new("alice", "alice.smith@example.com");

    [Fact]
    public void Embedded_blocklist_has_at_least_ten_thousand_entries_and_the_classics()
    {
        var list = CommonPasswordList.Default;
        Assert.True(list.Count >= 10_000, $"only {list.Count} entries");
        Assert.True(list.Contains("password"));
        Assert.True(list.Contains("QWERTY"), "lookups are case-insensitive");
        Assert.False(list.Contains("tundra velvet gossip"));
    }

    [Theory]
    [InlineData("short1!")]
    [InlineData("elevenchars")]
    public void Too_short_is_refused_with_the_minimum(string password)
    {
        var verdict = Policy.Check(password);
        Assert.Equal(PasswordProblem.TooShort, verdict.Problem);
        Assert.Contains("at least 12 characters", verdict.Message);
    }

    [Fact]
    public void Twelve_characters_are_enough_when_nothing_else_is_wrong() =>
        Assert.True(Policy.Check("vq7Rk2mZp9Lw").IsAcceptable);

    [Fact]
    public void Length_counts_characters_as_people_see_them()
    {
        // Eleven emoji are 44 UTF-16 code units but eleven characters.
        var verdict = Policy.Check(string.Concat(Enumerable.Repeat("\U0001F512", 5)) + "\U0001F511\U0001F6E1\U0001F3F0\U0001F9F1\U0001F5DD\U0001F4E6");
        Assert.Equal(PasswordProblem.TooShort, verdict.Problem);
    }

    [Fact]
    public void Over_4096_bytes_is_refused_and_4096_accepted()
    {
        var random = new Random(42);
        var ok = string.Concat(Enumerable.Range(0, 4096).Select(_ => (char)('a' + random.Next(26))));
        Assert.True(Policy.Check(ok).IsAcceptable, Policy.Check(ok).Message);
        var verdict = Policy.Check(ok + "x");
        Assert.Equal(PasswordProblem.TooLong, verdict.Problem);
        Assert.Contains("4096 bytes", verdict.Message);
    }

    [Theory]
    [InlineData("password1234")]
    [InlineData("Password2024!")]
    [InlineData("P@ssw0rd2024!")]
    [InlineData("!!baseball2023")]
    [InlineData("iloveyou1234")]
    [InlineData("sunshine12345")]
    [InlineData("Football12345")]
    [InlineData("123qweasdzxc")]
    [InlineData("leavemealone")]
    [InlineData("FinalFantasy")]
    public void Common_and_breached_passwords_are_refused_saying_why(string password)
    {
        var verdict = Policy.Check(password);
        Assert.False(verdict.IsAcceptable);
        Assert.Contains(verdict.Problem, new PasswordProblem?[] { PasswordProblem.Common, PasswordProblem.Sequential, PasswordProblem.Repetitive });
        Assert.Contains("attackers try", verdict.Message);
    }

    [Fact]
    public void Common_message_names_the_list()
    {
        var verdict = Policy.Check("password1234");
        Assert.Equal(PasswordProblem.Common, verdict.Problem);
        Assert.Contains("list of common and breached passwords", verdict.Message);
    }

    [Fact]
    public void Every_alphabetic_list_entry_padded_to_twelve_with_digits_is_refused()
    {
        var sample = File.ReadLines(Path.Combine(RepoRoot(), "src/Bulwark.Core/Accounts/Passwords/Data/common-passwords.txt"))
            .Skip(1).Where(w => w.Length is >= 6 and <= 10 && w.All(char.IsAsciiLetterLower)).Take(500).ToList();
        Assert.Equal(500, sample.Count);
        foreach (var word in sample)
        {
            var padded = word + "2024!!".Substring(0, Math.Max(2, 12 - word.Length));
            Assert.True(!Policy.Check(padded).IsAcceptable, $"accepted: {padded}");
        }
    }

    [Fact]
    public void Strong_random_digits_after_a_common_word_are_accepted()
    {
        // Eleven random digits carry ~36 bits: the common core no longer decides the strength.
        Assert.True(Policy.Check("dragon83947162059").IsAcceptable);
    }

    [Theory]
    [InlineData("aaaaaaaaaaaa")]
    [InlineData("abcabcabcabc")]
    [InlineData("xyzzyxyzzyxyzzy")]
    [InlineData("1111222233334444")]
    public void Repetitive_passwords_are_refused(string password)
    {
        var verdict = Policy.Check(password);
        Assert.Equal(PasswordProblem.Repetitive, verdict.Problem);
        Assert.Contains("repeats", verdict.Message);
    }

    [Theory]
    [InlineData("abcdefghijklm")]
    [InlineData("zyxwvutsrqpo")]
    [InlineData("1234567890123")]
    [InlineData("qwertyuiop[]")]
    [InlineData("1qaz2wsx3edc4rfv")]
    [InlineData("asdfghjkl;'x")]
    public void Sequential_and_keyboard_walks_are_refused(string password)
    {
        var verdict = Policy.Check(password);
        Assert.False(verdict.IsAcceptable);
        Assert.Contains(verdict.Problem, new PasswordProblem?[] { PasswordProblem.Sequential, PasswordProblem.Common });
    }

    [Theory]
    [InlineData("alice-x7!Qz2m", "alice")]
    [InlineData("Alice.Smith#42", "alice")]
    [InlineData("xQ9#mAlice.Smith", "alice")]
    [InlineData("bulwarkbulwark7", "bulwark")]
    [InlineData("MyBulwark!Pass", "bulwark")]
    public void Passwords_built_on_context_words_are_refused_naming_the_word(string password, string word)
    {
        var verdict = Policy.Check(password, Alice);
        Assert.False(verdict.IsAcceptable);
        if (verdict.Problem == PasswordProblem.ContextWord) Assert.Contains($"\"{word}\"", verdict.Message);
        else Assert.Equal(PasswordProblem.Repetitive, verdict.Problem);
    }

    [Fact]
    public void Context_word_with_a_strong_remainder_is_accepted() =>
        Assert.True(Policy.Check("alice tundra velvet gossip", Alice).IsAcceptable);

    [Theory]
    [InlineData("correct horse battery staple")]
    [InlineData("tundra-velvet-gossip-41")]
    [InlineData("K8#vP2q!mW9z")]
    [InlineData("Überraschung im Nebelwald")]
    public void Good_passwords_pass_without_composition_rules(string password)
    {
        var verdict = Policy.Check(password, Alice);
        Assert.True(verdict.IsAcceptable, verdict.Message);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Bulwark.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
