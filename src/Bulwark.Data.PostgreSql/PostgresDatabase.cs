using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Bulwark.Data.PostgreSql;

/// <summary>PostgreSQL provider wiring. This project holds only the PostgreSQL migrations and provider quirks.</summary>
public static class PostgresDatabase
{
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseNpgsql(connectionString, o => o.MigrationsAssembly(typeof(PostgresDatabase).Assembly.GetName().Name));
}

/// <summary>Used by <c>dotnet ef migrations add</c> only.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<BulwarkDbContext>
{
    public BulwarkDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<BulwarkDbContext>)PostgresDatabase.Configure(new DbContextOptionsBuilder<BulwarkDbContext>(), "Host=localhost;Database=bulwark_design").Options);
}
