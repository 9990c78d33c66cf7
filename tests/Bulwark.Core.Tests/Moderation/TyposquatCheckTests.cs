using Bulwark.Core.Moderation.Typosquats;

namespace Bulwark.Core.Tests.Moderation;

/// <summary>
/// Each rule with a typosquat it must catch and a real project name near a protected one it must leave alone.
/// The protected names are a slice of real popular projects (PyPI's top downloads, names only).
/// </summary>
public class TyposquatCheckTests
{
    private static readonly string[] Popular =
    [
        "boto3", "botocore", "requests", "urllib3", "numpy", "setuptools", "python-dateutil", "colorama", "pytest",
        "pytest-cov", "pytest-xdist", "django", "flake8", "matplotlib", "beautifulsoup4", "requests-oauthlib",
        "types-requests", "pyyaml", "charset-normalizer", "typing-extensions", "jinja2", "six", "toml", "tomli",
        "pyqt5", "pyqt6", "django-filter", "aiohttp", "cryptography", "selenium", "paramiko", "tensorflow", "pyopenssl",
    ];

    private static readonly TyposquatCheck Check = new(new ProtectedNames(Popular));

    private static void Verdict(string candidate, NameAction action, string? similar, string? rule)
    {
        var verdict = Check.Check(candidate);
        Assert.Equal((action, similar, rule), (verdict.Verdict, verdict.SimilarTo, verdict.Rule));
    }

    [Theory]
    [InlineData("requests")]
    [InlineData("Requests")]
    [InlineData("pytest-cov")]
    [InlineData("botocore")]
    [InlineData("requests-oauthlib")]
    [InlineData("types-requests")]
    [InlineData("pytest-randomly")]
    [InlineData("django-rest-framework")]
    [InlineData("flake8-bugbear")]
    [InlineData("requests-toolbelt")]
    [InlineData("numpydoc")]
    [InlineData("tomlkit")]
    [InlineData("something-unrelated")]
    public void Real_projects_and_legitimate_families_are_ok(string name) => Verdict(name, NameAction.Ok, null, null);

    [Fact]
    public void Warehouse_ultranormalized_collision_blocks() => Verdict("co1orama", NameAction.Block, "colorama", TyposquatRules.Ultranormalized);

    [Fact]
    public void Separator_only_difference_is_an_ultranormalized_collision() => Verdict("python_date.util", NameAction.Block, "python-dateutil", TyposquatRules.Ultranormalized);

    [Fact]
    public void Cyrillic_letters_are_a_confusable() => Verdict("r\u0435qu\u0435sts", NameAction.Block, "requests", TyposquatRules.Confusable);

    [Fact]
    public void Rn_for_m_is_a_confusable() => Verdict("nurnpy", NameAction.Block, "numpy", TyposquatRules.Confusable);

    [Fact]
    public void Mixed_scripts_block_even_without_a_match() => Verdict("abc\u0434ef", NameAction.Block, null, TyposquatRules.MixedScripts);

    [Fact]
    public void Transposition_blocks() => Verdict("reqeusts", NameAction.Block, "requests", TyposquatRules.Transposition);

    [Fact]
    public void Keyboard_neighbour_blocks() => Verdict("requezts", NameAction.Block, "requests", TyposquatRules.KeyboardTypo);

    [Fact]
    public void Other_substitution_blocks_as_one_edit() => Verdict("requosts", NameAction.Block, "requests", TyposquatRules.OneEdit);

    [Fact]
    public void Inserted_letter_blocks_as_one_edit() => Verdict("colourama", NameAction.Block, "colorama", TyposquatRules.OneEdit);

    [Fact]
    public void Repeated_letter_blocks() => Verdict("numpyy", NameAction.Block, "numpy", TyposquatRules.RepeatedLetter);

    [Fact]
    public void Dropped_letter_blocks() => Verdict("matplotib", NameAction.Block, "matplotlib", TyposquatRules.DroppedLetter);

    [Fact]
    public void Short_names_are_not_checked_for_one_edit() => Verdict("sux", NameAction.Ok, null, null);

    [Fact]
    public void Protected_name_checked_against_the_others_is_judged_as_new()
    {
        Assert.Equal(NameAction.Ok, Check.Check("pyqt6").Verdict);
        Assert.Equal((NameAction.Hold, "pyqt5"), (Check.CheckAgainstOthers("pyqt6").Verdict, Check.CheckAgainstOthers("pyqt6").SimilarTo));
        // pyqt5 ranks above pyqt6: it is not judged against a name that came after it.
        Assert.Equal(NameAction.Ok, Check.CheckAgainstOthers("pyqt5").Verdict);
        Assert.Equal(NameAction.Ok, Check.CheckAgainstOthers("pytest-cov").Verdict);
    }

    [Fact]
    public void Plural_holds() => Verdict("request", NameAction.Hold, "requests", TyposquatRules.Plural);

    [Fact]
    public void Version_digit_holds() => Verdict("pyqt7", NameAction.Hold, "pyqt5", TyposquatRules.VersionDigit);

    [Theory]
    [InlineData("python-requests")]
    [InlineData("pyrequests")]
    [InlineData("requests-py")]
    [InlineData("requests-dev")]
    [InlineData("requestslib")]
    [InlineData("requests-utils")]
    public void Affixes_hold(string name) => Verdict(name, NameAction.Hold, "requests", TyposquatRules.Affix);

    [Fact]
    public void Dropping_an_affix_is_not_flagged() =>
        // dotenv, slugify, multipart, arrow: the import names of python-dotenv & co. are real projects of their own.
        Verdict("dateutil", NameAction.Ok, null, null);

    [Theory]
    [InlineData("requests-core")]
    [InlineData("requests-client")]
    [InlineData("requests-tools")]
    public void Sibling_suffixes_of_real_projects_are_ok(string name) => Verdict(name, NameAction.Ok, null, null);

    [Fact]
    public void Different_first_letter_in_a_short_name_is_another_word() => Verdict("zumpy", NameAction.Ok, null, null);

    [Fact]
    public void Neighbouring_key_for_the_first_letter_still_counts() => Verdict("mumpy", NameAction.Block, "numpy", TyposquatRules.KeyboardTypo);

    [Fact]
    public void Family_members_differing_in_a_short_last_word_are_ok()
    {
        var check = new TyposquatCheck(new ProtectedNames(["mypy-boto3-ecs", "nvidia-cublas-cu12"]));
        Assert.Equal(NameAction.Ok, check.Check("mypy-boto3-efs").Verdict);
        Assert.Equal(NameAction.Ok, check.Check("nvidia-cublas-cu11").Verdict);
    }

    [Fact]
    public void Swapping_one_affix_for_another_holds() => Verdict("python-openssl", NameAction.Hold, "pyopenssl", TyposquatRules.Affix);

    [Fact]
    public void Reordered_words_hold() => Verdict("dateutil-python", NameAction.Hold, "python-dateutil", TyposquatRules.ReorderedWords);

    [Theory]
    [InlineData("requestsofficial")]
    [InlineData("securerequests")]
    [InlineData("requests-official")]
    [InlineData("secure-requests")]
    public void Protected_name_with_a_bait_word_holds(string name) => Verdict(name, NameAction.Hold, "requests", TyposquatRules.CombinedWord);

    [Fact]
    public void Plugin_with_an_ordinary_word_is_ok() => Verdict("requests-cache", NameAction.Ok, null, null);

    [Fact]
    public void Rule_actions_are_configuration()
    {
        var options = new TyposquatOptions { Rules = { [TyposquatRules.Affix] = NameAction.Block, [TyposquatRules.Transposition] = NameAction.Ok } };
        var check = new TyposquatCheck(new ProtectedNames(Popular), options);
        Assert.Equal(NameAction.Block, check.Check("python-requests").Verdict);
        Assert.Equal(NameAction.Ok, check.Check("reqeusts").Verdict);
    }

    [Fact]
    public void Allowed_pair_clears_that_resemblance_only()
    {
        var check = new TyposquatCheck(new ProtectedNames(Popular), new TyposquatOptions { AllowedPairs = ["Colourama=colorama"] });
        Assert.Equal(NameAction.Ok, check.Check("colourama").Verdict);
        Assert.Equal(NameAction.Block, check.Check("co1orama").Verdict);
    }

    [Fact]
    public void Malformed_allowed_pair_is_refused() =>
        Assert.Throws<ArgumentException>(() => new TyposquatCheck(ProtectedNames.Empty, new TyposquatOptions { AllowedPairs = ["no-separator"] }));

    [Fact]
    public void Most_important_protected_name_is_named_when_several_match()
    {
        var check = new TyposquatCheck(new ProtectedNames(["numpy", "numpi"]));
        Assert.Equal("numpy", check.Check("numpyi").SimilarTo);
    }

    [Fact]
    public void Empty_set_lets_everything_through() => Assert.Equal(NameAction.Ok, new TyposquatCheck(ProtectedNames.Empty).Check("reqeusts").Verdict);

    [Fact]
    public void Keyboard_neighbours_follow_the_qwerty_layout()
    {
        Assert.True(NameEdits.AreKeyboardNeighbours('s', 'd'));
        Assert.True(NameEdits.AreKeyboardNeighbours('q', 'a'));
        Assert.False(NameEdits.AreKeyboardNeighbours('q', 'p'));
    }
}
