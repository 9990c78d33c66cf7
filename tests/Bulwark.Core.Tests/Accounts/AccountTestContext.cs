using System.Security.Cryptography;
using Bulwark.Core.Accounts;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Core.Tests.Accounts;

/// <summary>An in-memory SQLite database with the real model and a fake clock, one per test (also under <c>FactorTestContext</c>).</summary>
public sealed class AccountTestContext : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public AccountTestContext(DateTimeOffset? start = null)
    {
        Time = new FakeTimeProvider(start ?? new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        _connection.Open();
        Db = new BulwarkDbContext(new DbContextOptionsBuilder<BulwarkDbContext>().UseSqlite(_connection).Options);
        Db.Database.EnsureCreated();
        Audit = new AuditLog(Db, Time);
    }

    public FakeTimeProvider Time { get; }
    public BulwarkDbContext Db { get; }
    public AuditLog Audit { get; }
    public Actor Actor { get; } = new("203.0.113.7", "unit-test");

    public User AddUser(string username = "alice", bool verified = true)
    {
        var user = new User
        {
            Username = username,
            NormalizedUsername = username.ToLowerInvariant(),
            Email = $"{username}@example.com",
            EmailVerified = verified,
            PasswordHash = "$argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
            CreatedAt = Time.GetUtcNow(),
            WebAuthnUserHandle = RandomNumberGenerator.GetBytes(64),
        };
        Db.Users.Add(user);
        Db.SaveChanges();
        return user;
    }

    public void Dispose()
    {
        Db.Dispose();
        _connection.Dispose();
    }
}
