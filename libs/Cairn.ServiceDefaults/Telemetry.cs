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

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(identity.ServiceName, serviceNamespace: "cairn", serviceInstanceId: identity.InstanceId))
            .WithTracing(t => t
                .AddSource(SourcePattern)
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !IsPlatformPath(ctx.Request.Path))
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation())
            .WithMetrics(m => m
                .AddMeter(SourcePattern)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());

        // OTLP (Jaeger, an OpenTelemetry collector) only when an endpoint is configured.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }
    }

    private static bool IsPlatformPath(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health") || path.StartsWithSegments("/alive")
        || path.StartsWithSegments("/dashboard");
}
