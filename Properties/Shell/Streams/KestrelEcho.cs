using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Wsk.Properties.Shell.Streams;

/// <summary>
/// One Kestrel on loopback for a test class: plain HTTP and HTTPS (the test's self-signed certificate), each on a port
/// of its own chosen by the OS. <c>POST</c> or <c>PUT /echo</c> answers the request body as it came, with its SHA-256
/// (hex) in <c>X-Body-SHA256</c>, the method in <c>X-Method</c> and the HTTP version in <c>X-Protocol</c>. No logging.
/// </summary>
public sealed class KestrelEcho : IAsyncLifetime
{
    private WebApplication? _app;

    public int HttpPort { get; private set; }
    public int HttpsPort { get; private set; }

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Listen(IPAddress.Loopback, 0, https => https.UseHttps(LoopbackCertificate.Certificate));
        });
        var app = builder.Build();
        app.MapMethods("/echo", ["POST", "PUT"], (RequestDelegate)Echo);
        await app.StartAsync();
        _app = app;
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        HttpPort = new Uri(addresses.Single(a => a.StartsWith("http://", StringComparison.Ordinal))).Port;
        HttpsPort = new Uri(addresses.Single(a => a.StartsWith("https://", StringComparison.Ordinal))).Port;
    }

    private static async Task Echo(HttpContext context)
    {
        var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var bytes = body.ToArray();
        context.Response.Headers["X-Body-SHA256"] = Convert.ToHexString(SHA256.HashData(bytes));
        context.Response.Headers["X-Method"] = context.Request.Method;
        context.Response.Headers["X-Protocol"] = context.Request.Protocol;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    public async Task DisposeAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
