using System.Diagnostics.CodeAnalysis;

namespace Bulwark.Core.Outcomes;

/// <summary>
/// The answer of a use case: either a value or a <see cref="Refusal"/>, never both and never neither.
/// Callers branch with <see cref="TryGetValue"/> (the compiler then knows which one is set, so no <c>!</c>
/// is needed) or <see cref="Match{TResult}"/>. Exceptions stay for faults, not for refusals.
/// </summary>
public readonly struct Outcome<T> where T : notnull
{
    private readonly T? _value;

    private Outcome(T? value, Refusal? refusal)
    {
        _value = value;
        Refusal = refusal;
    }

    /// <summary>The refusal, or null when the use case succeeded.</summary>
    public Refusal? Refusal { get; }

    [MemberNotNullWhen(false, nameof(Refusal))]
    public bool Succeeded => Refusal is null;

    /// <summary>The value; throws when the outcome is a refusal (a programming error, not a user error).</summary>
    public T Value => Refusal is null ? _value! : throw new InvalidOperationException($"The outcome is a refusal: {Refusal.Message}");

    public static Outcome<T> Ok(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);
    public static Outcome<T> Refused(Refusal refusal) => new(default, refusal ?? throw new ArgumentNullException(nameof(refusal)));

    public static implicit operator Outcome<T>(T value) => Ok(value);
    public static implicit operator Outcome<T>(Refusal refusal) => Refused(refusal);

    /// <summary>The value, or false and the refusal.</summary>
    public bool TryGetValue([MaybeNullWhen(false)] out T value, [NotNullWhen(false)] out Refusal? refusal)
    {
        value = _value;
        refusal = Refusal;
        return Refusal is null;
    }

    public TResult Match<TResult>(Func<T, TResult> ok, Func<Refusal, TResult> refused) =>
        Refusal is null ? ok(_value!) : refused(Refusal);

    /// <summary>Carries a refusal over to an outcome of another value type.</summary>
    public Outcome<TOther> Then<TOther>(Func<T, Outcome<TOther>> next) where TOther : notnull =>
        Refusal is null ? next(_value!) : Outcome<TOther>.Refused(Refusal);

    public override string ToString() => Refusal is null ? $"Ok({_value})" : $"Refused({Refusal.Kind}: {Refusal.Message})";
}

/// <summary>The answer of a use case that has no value to return: done, or a <see cref="Refusal"/>.</summary>
public readonly struct Outcome
{
    private Outcome(Refusal? refusal) => Refusal = refusal;

    public Refusal? Refusal { get; }

    [MemberNotNullWhen(false, nameof(Refusal))]
    public bool Succeeded => Refusal is null;

    public static Outcome Ok() => default;
    public static Outcome Refused(Refusal refusal) => new(refusal ?? throw new ArgumentNullException(nameof(refusal)));

    public static implicit operator Outcome(Refusal refusal) => Refused(refusal);

    /// <summary>A value outcome from this one.</summary>
    public static Outcome<T> Ok<T>(T value) where T : notnull => Outcome<T>.Ok(value);

    public override string ToString() => Refusal is null ? "Ok" : $"Refused({Refusal.Kind}: {Refusal.Message})";
}
