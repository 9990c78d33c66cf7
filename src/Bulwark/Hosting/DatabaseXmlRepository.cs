using System.Xml.Linq;
using Bulwark.Core.Data;
using Bulwark.Core.ScaleOut;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Hosting;

/// <summary>
/// Keeps the data-protection key ring in the database (<c>data_protection_keys</c>), so that every instance on
/// one PostgreSQL database protects and unprotects with the same keys: a form rendered by one instance can be
/// posted to another. Each key's secret arrives here already sealed by <see cref="KeyRingXmlEncryptor"/>.
/// </summary>
/// <remarks>
/// The key manager calls this rarely (at start, when it creates a key, and when it meets a key id it does not
/// know, which is how an instance learns of a key another one created), so a scope and a query per call is
/// fine. Calls are synchronous by the interface's design.
/// </remarks>
public sealed class DatabaseXmlRepository(IServiceScopeFactory scopes) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
        return db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => k.Xml).ToList()
            .Select(xml => XElement.Parse(xml)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
        db.DataProtectionKeys.Add(new DataProtectionKeyRow { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }
}
