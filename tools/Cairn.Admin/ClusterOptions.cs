using System.CommandLine;
using Grpc.Core;
using Grpc.Net.Client;

namespace Cairn.Admin;

/// <summary>
/// Where the control plane's gRPC endpoints are: a flag each, or CAIRN_{SERVICE}_GRPC in the environment (the
/// dev stack prints them). Storage nodes need no flag: placement's disk map names their endpoints.
/// </summary>
public sealed class ClusterOptions
{
    public Option<Uri?> Placement { get; } = Endpoint("placement");
    public Option<Uri?> Namespace { get; } = Endpoint("namespace");
    public Option<Uri?> HeatMonitor { get; } = Endpoint("heat-monitor");
    public Option<Uri?> BackgroundOps { get; } = Endpoint("background-ops");
    public Option<Uri?> Frontend { get; } = Endpoint("frontend");

    public IEnumerable<Option> All => [Placement, Namespace, HeatMonitor, BackgroundOps, Frontend];

    /// <summary>The control-plane services that have an endpoint, by name.</summary>
    public IEnumerable<(string Name, Uri Address)> ControlPlane(ParseResult parse) =>
        new (string, Uri?)[]
        {
            ("placement", parse.GetValue(Placement)), ("namespace", parse.GetValue(Namespace)), ("heat-monitor", parse.GetValue(HeatMonitor)),
            ("background-ops", parse.GetValue(BackgroundOps)), ("frontend", parse.GetValue(Frontend)),
        }.Where(s => s.Item2 is not null).Select(s => (s.Item1, s.Item2!));

    /// <summary>The endpoint or a clear error naming the flag and the variable that set it.</summary>
    public static Uri Required(ParseResult parse, Option<Uri?> option) =>
        parse.GetValue(option) ?? throw new AdminException(
            $"{option.Name} is required (or set {EnvironmentName(option.Name.TrimStart('-'))})");

    public static GrpcChannel Channel(Uri address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        MaxRetryAttempts = 0,
    });

    private static Option<Uri?> Endpoint(string service) => new($"--{service}")
    {
        Description = $"gRPC endpoint of {service}, e.g. http://127.0.0.1:5001 (default: ${EnvironmentName(service)})",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(EnvironmentName(service)) is { Length: > 0 } v ? new Uri(v) : null,
        CustomParser = r => Uri.TryCreate(r.Tokens.Single().Value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : Fail(r, $"--{service} must be an http(s) URL"),
    };

    private static Uri? Fail(System.CommandLine.Parsing.ArgumentResult r, string message)
    {
        r.AddError(message);
        return null;
    }

    internal static string EnvironmentName(string service) => $"CAIRN_{service.Replace('-', '_').ToUpperInvariant()}_GRPC";
}

/// <summary>An operator error with a message worth printing as is (no stack trace).</summary>
public sealed class AdminException(string message) : Exception(message);
