using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Bulwark.Core.Data;

/// <summary>
/// An EF compiled query kept per model. A compiled query is bound to the model it first ran against, and
/// one process can hold two (SQLite and PostgreSQL differ, e.g. in value converters): the test suite does,
/// and so would an importer copying between databases. Hot read paths use these to skip query-tree hashing.
/// </summary>
public sealed class PerModelCompiledQuery<TDelegate>(Func<TDelegate> compile) where TDelegate : Delegate
{
    private readonly ConcurrentDictionary<IModel, TDelegate> _byModel = new(ReferenceEqualityComparer.Instance);

    public TDelegate For(BulwarkDbContext db) => _byModel.GetOrAdd(db.Model, _ => compile());
}
