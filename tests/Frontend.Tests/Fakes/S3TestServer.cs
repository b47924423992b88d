using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Cairn.Frontend;
using Cairn.Frontend.Backends;
using Cairn.S3.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Frontend.Tests.Fakes;

/// <summary>
/// The frontend in-process on Kestrel (a free loopback port) with in-memory namespace, placement and storage,
/// so the real AWS SDK can talk to it over real HTTP.
/// </summary>
public sealed class S3TestServer : IAsyncDisposable
{
    public const string AccessKey = "cairnadmin";
    public const string SecretKey = "cairnadmin-secret-key";
    public const string OtherAccessKey = "otheruser";
    public const string OtherSecretKey = "otheruser-secret-key";

    private readonly WebApplication _app;

    private S3TestServer(WebApplication app, InMemoryMetadataStore metadata, InMemoryCluster cluster)
    {
        _app = app;
        Metadata = metadata;
        Cluster = cluster;
    }

    public InMemoryMetadataStore Metadata { get; }
    public InMemoryCluster Cluster { get; }
    public Uri BaseUri { get; private set; } = null!;
    public IServiceProvider Services => _app.Services;

    /// <param name="services">Last-registered wins: e.g. <see cref="InProcessNamespace.Register"/> swaps the metadata backends.</param>
    public static async Task<S3TestServer> StartAsync(int blockSize = 256 * 1024, Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var config = new Dictionary<string, string?>
        {
            ["Cairn:BlockSize"] = blockSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cairn:Replicas"] = "3",
        };
        foreach (var (k, v) in settings ?? [])
        {
            config[k] = v;
        }
        builder.Configuration.AddInMemoryCollection(config);
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = null;
        });
        var metadata = new InMemoryMetadataStore();
        var cluster = new InMemoryCluster();
        builder.Services.AddGrpc();
        builder.Services.AddS3Frontend(builder.Configuration);
        builder.Services.AddSingleton(new CredentialStore([new(AccessKey, SecretKey), new(OtherAccessKey, OtherSecretKey)]));
        builder.Services.AddSingleton<IObjectMetadataStore>(metadata);
        builder.Services.AddSingleton<IShardPlacement>(cluster);
        builder.Services.AddSingleton<IShardStorage>(cluster);
        builder.Services.AddSingleton<IObjectVersionCatalog, UnversionedCatalog>();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapS3(app.Configuration);
        var server = new S3TestServer(app, metadata, cluster);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    public AmazonS3Client Client(string accessKey = AccessKey, string secretKey = SecretKey) =>
        new(new BasicAWSCredentials(accessKey, secretKey), new AmazonS3Config
        {
            ServiceURL = BaseUri.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
