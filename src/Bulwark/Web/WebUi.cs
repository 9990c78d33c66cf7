using Bulwark.Auth;
using Bulwark.Core.Browsing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Bulwark.Hosting;
using Bulwark.Rendering;
using Microsoft.Extensions.Options;

namespace Bulwark.Web;

/// <summary>The server-rendered web UI: Razor Pages, static files, sign-in, security headers.</summary>
public static class WebUi
{
    /// <summary>Paths of the machine APIs: no HTML error pages and no sign-in redirects there.</summary>
    private static readonly string[] ApiPrefixes = ["/simple", "/pypi", "/files", "/legacy", "/_health", "/_", "/danger-api"];

    /// <summary>Pages under /Account that work without a session.</summary>
    private static readonly string[] AnonymousAccountPages =
    [
        "/Account/Login", "/Account/Register", "/Account/VerifyEmail", "/Account/ForgotPassword",
        "/Account/ResetPassword", "/Account/ConfirmEmail", "/Account/Logout",
        // The second sign-in step runs on a session that is not signed in yet; "this was not me" works signed out,
        // and so does the e-mailed link that finishes a sign-in held back by the account's failure limit.
        "/Account/TwoFactor", "/Account/NotMe", "/Account/ContinueSignIn",
    ];

    public static bool IsApiPath(PathString path) =>
        ApiPrefixes.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));

    public static IServiceCollection AddBulwarkWebUi(this IServiceCollection services)
    {
        services.AddRazorPages(options =>
        {
            options.Conventions.AuthorizeFolder("/Account");
            foreach (var open in AnonymousAccountPages) options.Conventions.AllowAnonymousToPage(open);
            options.Conventions.AuthorizeFolder("/Manage");
            options.Conventions.AuthorizeFolder("/Admin", BulwarkClaims.AdminPolicy);
        }).AddMvcOptions(mvc =>
        {
            mvc.Filters.Add<RecentAuthenticationFilter>();
            mvc.Filters.Add<UnhandledMethodFilter>();
            mvc.ModelMetadataDetailsProviders.Add(new NonNullableStringBinding());
        });
        services.AddAuthentication(BulwarkClaims.Scheme)
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(BulwarkClaims.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(BulwarkClaims.AdminPolicy, policy => policy.RequireAuthenticatedUser().RequireRole(BulwarkClaims.AdminRole));
        services.AddScoped<WebSignIn>();
        services.Configure<CookieTempDataProviderOptions>(o =>
        {
            o.Cookie.Name = "bulwark-flash";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
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
        services.AddBulwarkManagement();
        services.AddScoped<ProjectSearch>();
        services.AddScoped<ProjectPages>();
        services.AddScoped<UserProfiles>();
        return services;
    }

    public static void UseBulwarkWebUi(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>();
        // The machine APIs (simple pages, files, uploads) are most of the traffic and need no error pages and
        // no wwwroot lookup (a file-system probe on every request otherwise).
        app.UseWhen(ctx => !IsApiPath(ctx.Request.Path), html =>
        {
            html.UseStatusCodePagesWithReExecute("/error/{0}");
            html.UseStaticFiles();
            // After the status-code pages, so that a refused form is answered with the error page naming the problem.
            html.UseMiddleware<FormReadGuard>();
        });
        // Routing runs after the status-code pages so that their re-executed request finds the error page.
        // Authentication stays on the main pipeline (WebApplication would otherwise add its own in front of
        // everything); without a session cookie it costs a cookie lookup (see SessionAuthenticationHandler).
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
    }

    public static void MapBulwarkPages(this WebApplication app)
    {
        app.MapRazorPages();
    }
}
