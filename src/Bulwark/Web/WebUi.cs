using Bulwark.Core.Browsing;
using Bulwark.Hosting;
using Bulwark.Rendering;
using Microsoft.Extensions.Options;

namespace Bulwark.Web;

/// <summary>The server-rendered web UI: Razor Pages, static files, sign-in, security headers.</summary>
public static class WebUi
{
    /// <summary>Paths of the machine APIs: no HTML error pages and no sign-in redirects there.</summary>
    private static readonly string[] ApiPrefixes = ["/simple", "/pypi", "/files", "/legacy", "/_health", "/_"];

    public static bool IsApiPath(PathString path) =>
        ApiPrefixes.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));

    public static IServiceCollection AddBulwarkWebUi(this IServiceCollection services)
    {
        services.AddRazorPages();
        services.AddAntiforgery();
        services.AddOptions<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>()
            .Configure<IOptions<BulwarkOptions>>((af, bulwark) =>
            {
                var https = bulwark.Value.PublicUrl?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) == true;
                // The __Host- prefix binds the cookie to this exact origin, but browsers accept it only with Secure.
                af.Cookie.Name = https ? "__Host-bulwark-af" : "bulwark-af";
                af.Cookie.SecurePolicy = https ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
                af.Cookie.SameSite = SameSiteMode.Strict;
                af.Cookie.HttpOnly = true;
                af.Cookie.Path = "/";
                af.FormFieldName = "__csrf";
            });
        services.AddSingleton<ReadmeRenderer>();
        services.AddScoped<ProjectSearch>();
        services.AddScoped<ProjectPages>();
        services.AddScoped<UserProfiles>();
        return services;
    }

    public static void UseBulwarkWebUi(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>();
        app.UseWhen(ctx => !IsApiPath(ctx.Request.Path), html => html.UseStatusCodePagesWithReExecute("/error/{0}"));
        app.UseStaticFiles();
        // Routing runs after the status-code pages so that their re-executed request finds the error page.
        app.UseRouting();
    }

    public static void MapBulwarkPages(this WebApplication app)
    {
        app.MapRazorPages();
    }
}
