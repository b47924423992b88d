using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Cairn.ServiceDefaults;

/// <summary>OpenTelemetry logs, traces and metrics. Every ActivitySource and Meter named "Cairn.*" is collected.</summary>
public static class Telemetry
{
    public const string SourcePattern = "Cairn.*";

    private const string KestrelMemoryPoolMeter = "Microsoft.AspNetCore.MemoryPool";

    private static readonly string[] QuietCategories = ["Microsoft.AspNetCore", "System.Net.Http.HttpClient", "Grpc"];

    internal static void AddCairnTelemetry(this WebApplicationBuilder builder, ServiceIdentity identity)
    {
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
            o.UseUtcTimestamp = true;
        });
        // Per-request lines from the hosting and HttpClient pipelines cost more than the request on the data path
        // (a 64 MiB GET is a dozen shard reads); traces carry that detail. Configuration can still turn them on.
        foreach (var category in QuietCategories)
        {
            if (builder.Configuration[$"Logging:LogLevel:{category}"] is null)
            {
                builder.Logging.AddFilter(category, LogLevel.Warning);
            }
        }

        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.IncludeScopes = true;
        });

        // Spans are only made when something collects them: with no OTLP endpoint every request would still build
        // and tag an Activity per hop (a 1 MiB GET is five of them) for nobody.
        var exportsTraces = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(identity.ServiceName, serviceNamespace: "cairn", serviceInstanceId: identity.InstanceId))
            .WithMetrics(m => m
                .AddMeter(SourcePattern)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                // Kestrel's memory pool counts every 4 KiB block rented and returned: two measurements per 4 KiB of
                // every response body, a visible share of the data path's CPU for a figure nobody charts.
                .AddView(instrument => instrument.Meter.Name == KestrelMemoryPoolMeter ? MetricStreamConfiguration.Drop : null)
                .AddPrometheusExporter());
        if (exportsTraces)
        {
            otel.WithTracing(t => t
                .AddSource(SourcePattern)
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !IsPlatformPath(ctx.Request.Path))
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation());
            otel.UseOtlpExporter();
        }
    }

    private static bool IsPlatformPath(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health") || path.StartsWithSegments("/alive")
        || path.StartsWithSegments("/dashboard");
}
