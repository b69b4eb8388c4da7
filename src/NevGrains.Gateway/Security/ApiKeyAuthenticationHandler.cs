using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using NevGrains.Gateway.Hosting;

namespace NevGrains.Gateway.Security;

/// <summary>
/// Authenticates a call from its API key (<c>x-api-key</c>, or <c>authorization: ApiKey ...</c>). Without a key, a call from
/// loopback is let in as "anonymous" with every role only when <see cref="AuthOptions.AllowAnonymousOnLoopback"/> is set.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<GatewayOptions> gateway) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Anonymous = "anonymous";

    /// <summary>Longer keys are refused without comparing (configured keys are far shorter).</summary>
    private const int MaxKeyLength = 1024;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var auth = gateway.CurrentValue.Auth;
        var key = Request.Headers["x-api-key"].ToString();
        if (string.IsNullOrEmpty(key) && Request.Headers.Authorization.ToString() is { } header
            && header.StartsWith(SchemeName + " ", StringComparison.OrdinalIgnoreCase))
        {
            key = header[(SchemeName.Length + 1)..].Trim();
        }
        if (string.IsNullOrEmpty(key))
        {
            return Task.FromResult(auth.AllowAnonymousOnLoopback && IsLoopback(Context.Connection.RemoteIpAddress)
                ? Success(Anonymous, Roles.All)
                : AuthenticateResult.NoResult());
        }
        if (key.Length > MaxKeyLength)
        {
            return Task.FromResult(AuthenticateResult.Fail("API key too long"));
        }
        var given = Encoding.UTF8.GetBytes(key);
        foreach (var configured in auth.ApiKeys)
        {
            if (configured.Key.Length > 0 && CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(configured.Key)))
            {
                return Task.FromResult(Success(configured.Caller, [.. configured.Roles]));
            }
        }
        return Task.FromResult(AuthenticateResult.Fail("unknown API key"));
    }

    private static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address);

    private static AuthenticateResult Success(string caller, string[] roles)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, caller) };
        claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }
}
