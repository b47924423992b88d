using Cairn.Frontend.Backends;
using Cairn.Namespace.Domain;
using Cairn.Namespace.Grpc;
using Cairn.Namespace.Store;
using Cairn.Namespace.Store.Sqlite;
using Cairn.Namespace.Telemetry;
using Cairn.Namespace.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Frontend.Tests.Fakes;

/// <summary>
/// The real namespace service (SQLite in a temp directory) on an in-memory TestServer, reached through the
/// frontend's real gRPC adapters: versioning, delete markers, tags and version listings behave exactly as in
/// production, without a process or a port.
/// </summary>
public sealed class InProcessNamespace : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;
    private readonly string _directory;

    private InProcessNamespace(WebApplication app, GrpcChannel channel, string directory)
    {
        _app = app;
        _channel = channel;
        _directory = directory;
        var client = new Cairn.Namespace.V1.Namespace.NamespaceClient(channel);
        Metadata = new GrpcObjectMetadataStore(client);
        Versions = new GrpcObjectVersionCatalog(client);
    }

    public IObjectMetadataStore Metadata { get; }
    public IObjectVersionCatalog Versions { get; }

    public static async Task<InProcessNamespace> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "cairn-frontend-ns", Guid.NewGuid().ToString("n"));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<NamespaceMetrics>();
        builder.Services.AddSingleton<INamespaceStore>(_ => SqliteNamespaceStore.Open(directory));
        builder.Services.AddSingleton<IGarbageSink, DiscardingGarbageSink>();
        builder.Services.AddSingleton<NamespaceService>();
        var app = builder.Build();
        app.MapGrpcService<NamespaceGrpcService>();
        await app.StartAsync();
        var server = app.GetTestServer();
        var channel = GrpcChannel.ForAddress(server.BaseAddress, new GrpcChannelOptions { HttpHandler = server.CreateHandler() });
        return new InProcessNamespace(app, channel, directory);
    }

    /// <summary>Registers this namespace as the frontend's metadata backends (replacing the in-memory fake).</summary>
    public void Register(IServiceCollection services)
    {
        services.AddSingleton(Metadata);
        services.AddSingleton(Versions);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    /// <summary>Shards are in-memory in these tests: nothing to collect.</summary>
    private sealed class DiscardingGarbageSink : IGarbageSink
    {
        public Task PublishAsync(ObjectGarbageEvent garbage, CancellationToken ct) => Task.CompletedTask;
    }
}
