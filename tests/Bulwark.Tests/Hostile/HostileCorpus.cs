using System.Reflection;

namespace Bulwark.Tests.Hostile;

/// <summary>
/// The hostile corpus: every case of every family. A family is a static class in
/// <c>Hostile/Families</c> marked <see cref="HostileFamilyAttribute"/> with a static <c>Cases()</c> method
/// returning <see cref="IEnumerable{HostileCase}"/>; it is found by reflection so that adding a family
/// touches no other file.
/// </summary>
public static class HostileCorpus
{
    private static readonly Lazy<IReadOnlyDictionary<string, HostileCase>> All = new(Load);

    public static IReadOnlyDictionary<string, HostileCase> Cases => All.Value;

    /// <summary>The theory data: one row per case id.</summary>
    public static IEnumerable<object[]> Ids() => Cases.Keys.Order(StringComparer.Ordinal).Select(id => new object[] { id });

    private static Dictionary<string, HostileCase> Load()
    {
        var cases = new Dictionary<string, HostileCase>(StringComparer.Ordinal);
        var families = typeof(HostileCorpus).Assembly.GetTypes().Where(t => t.GetCustomAttribute<HostileFamilyAttribute>() is not null);
        foreach (var family in families)
        {
            var method = family.GetMethod("Cases", BindingFlags.Public | BindingFlags.Static)
                ?? throw new InvalidOperationException($"{family.Name} has no public static Cases() method.");
            foreach (var c in (IEnumerable<HostileCase>)method.Invoke(null, null)!)
            {
                if (!cases.TryAdd(c.Id, c)) throw new InvalidOperationException($"Two hostile cases are named {c.Id}.");
            }
        }
        return cases;
    }
}

/// <summary>Marks a static class whose <c>Cases()</c> belong to the hostile corpus.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class HostileFamilyAttribute : Attribute;
