using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;

namespace Cairn.ServiceDefaults.Tests;

/// <summary>A service built with AddServiceDefaults, on a test server or on real loopback ports.</summary>
internal static class TestApp
{
    public static WebApplication Create(string name, Action<WebApplication> map, Dictionary<string, string?>? config = null, bool testServer = true)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(config ?? []);
        if (testServer)
        {
            builder.WebHost.UseTestServer();
        }

        builder.AddServiceDefaults(name);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        map(app);
        return app;
    }
}
