using Cairn.Frontend.Backends;
using Cairn.Frontend.DataPath;
using Cairn.Frontend.DataPath.Steering;
using Cairn.Frontend.Grpc;
using Cairn.Frontend.Http;
using Cairn.Frontend.Operations;
using Cairn.Frontend.Routing;
using Cairn.Frontend.Telemetry;
using Cairn.S3.Protocol;
using Cairn.ServiceDefaults;
using Cairn.ServiceDefaults.Dashboard;
using Cairn.StorageNode.Client;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Cairn.Frontend;

public static class FrontendExtensions
{
    /// <summary>The S3 front: router, authenticator, operations, data path and telemetry (no backends).</summary>
    public static IServiceCollection AddS3Frontend(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<FrontendOptions>(configuration.GetSection("Cairn"));
        services.AddOptions<FrontendOptions>()
            .Validate(RedundancyPolicy.IsValid, "Cairn:ErasureCoding: every storage class needs a scheme \"k+m\" (k, m >= 1, k+m <= 32) or \"replicated\", STANDARD must be one, and ThresholdBytes >= 1")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(CredentialStore.FromConfiguration(configuration));
        services.AddSingleton(sp => new SigV4Authenticator(sp.GetRequiredService<CredentialStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new S3Router(sp.GetRequiredService<IOptions<FrontendOptions>>().Value.Domain));
        services.AddSingleton<FrontendMetrics>();
        services.AddSingleton<RedundancyPolicy>();
        services.AddSingleton<DiskLatencies>();
        services.TryAddSingleton<IDiskHeat, NoDiskHeat>();
        services.AddSingleton<ObjectWriter>();
        services.AddSingleton<ErasureCodedReader>();
        services.AddSingleton<ObjectReader>();
        services.AddSingleton<BucketAccess>();
        services.AddSingleton<Buckets>();
        services.AddSingleton<PutObject>();
        services.AddSingleton<GetObject>();
        services.AddSingleton<DeleteObject>();
        services.AddSingleton<ListObjects>();
        services.AddSingleton<ListObjectVersions>();
        services.AddSingleton<Multipart>();
        services.AddSingleton<SourceCopy>();
        services.AddSingleton<UploadPartCopy>();
        services.AddSingleton<CopyObject>();
        services.AddSingleton<ObjectTagging>();
        services.AddSingleton<S3Dispatcher>();
        services.AddSingleton<S3RequestHandler>();
        return services;
    }

    /// <summary>The real backends: namespace and placement by discovery, storage nodes by placement's disk map.</summary>
    public static IServiceCollection AddFrontendBackends(this IServiceCollection services)
    {
        services.AddServiceClient<Namespace.V1.Namespace.NamespaceClient>("namespace");
        services.AddServiceClient<Placement.V1.Placement.PlacementClient>("placement");
        services.AddSingleton(sp => new StorageNodeClients(sp.GetService<ILoggerFactory>())
        {
            // Off only to compare transports: shard reads then all go over gRPC ReadShard.
            PreferDataUrl = sp.GetRequiredService<IConfiguration>().GetValue("Cairn:BulkShardReads", true),
        });
        services.AddSingleton<IObjectMetadataStore>(sp => new GrpcObjectMetadataStore(
            sp.GetRequiredService<Namespace.V1.Namespace.NamespaceClient>(),
            TimeSpan.FromSeconds(sp.GetRequiredService<IConfiguration>().GetValue("Cairn:CommitDeadlineSeconds", GrpcObjectMetadataStore.DefaultCommitDeadline.TotalSeconds))));
        services.AddSingleton<IObjectVersionCatalog, GrpcObjectVersionCatalog>();
        services.AddSingleton<IShardPlacement, GrpcShardPlacement>();
        services.AddSingleton<IShardStorage, GrpcShardStorage>();
        services.AddServiceClient<Heat.V1.HeatMonitor.HeatMonitorClient>("heat-monitor");
        services.AddSingleton<HeatMapWatcher>();
        services.AddSingleton<IDiskHeat>(sp => sp.GetRequiredService<HeatMapWatcher>());
        services.AddHostedService(sp => sp.GetRequiredService<HeatMapWatcher>());
        services.AddDashboard<FrontendDashboard>();
        return services;
    }

    /// <summary>
    /// S3 answers every request no other endpoint claims. With <c>Cairn:PublicPort</c> it answers only there,
    /// so platform paths (/health, /metrics) never shadow a bucket of the same name.
    /// </summary>
    public static IEndpointRouteBuilder MapS3(this IEndpointRouteBuilder endpoints, IConfiguration configuration)
    {
        var s3 = endpoints.MapFallback("{**path}", (HttpContext http) => http.RequestServices.GetRequiredService<S3RequestHandler>().HandleAsync(http));
        if (configuration.GetValue<int?>("Cairn:PublicPort") is { } publicPort)
        {
            s3.RequireHost($"*:{publicPort}");
        }
        endpoints.MapGrpcService<FrontendAdminService>();
        return endpoints;
    }
}
