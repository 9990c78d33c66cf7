using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Bulwark.Data.Sqlite;

/// <summary>SQLite provider wiring. This project holds only the SQLite migrations and provider quirks.</summary>
public static class SqliteDatabase
{
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseSqlite(connectionString, o => o.MigrationsAssembly(typeof(SqliteDatabase).Assembly.GetName().Name));
}

/// <summary>Used by <c>dotnet ef migrations add</c> only.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<BulwarkDbContext>
{
    public BulwarkDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<BulwarkDbContext>)SqliteDatabase.Configure(new DbContextOptionsBuilder<BulwarkDbContext>(), "Data Source=design.db").Options);
}
