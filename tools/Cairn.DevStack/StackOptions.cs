namespace Cairn.DevStack;

/// <summary>What the launcher starts. Every field has a command-line flag (see <see cref="Parse"/>).</summary>
public sealed record StackOptions
{
    public int S3Port { get; init; } = 9000;
    public string DataDir { get; init; } = Path.GetFullPath(".data");
    public int StorageNodes { get; init; } = 6;
    public int DisksPerNode { get; init; } = 2;
    public string AccessKey { get; init; } = Environment.GetEnvironmentVariable("S3_ACCESS_KEY") is { Length: > 0 } a ? a : "cairnadmin";
    public string SecretKey { get; init; } = Environment.GetEnvironmentVariable("S3_SECRET_KEY") is { Length: > 0 } s ? s : "cairnadmin-secret-key";
    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();

    public const string Usage = """
        Cairn dev stack: every service as its own process on 127.0.0.1.
          --port N          S3 endpoint port (default 9000; 0 picks a free one)
          --data DIR        data directory (default ./.data)
          --nodes N         storage nodes (default 6)
          --disks N         disks (directories) per node (default 2)
          --set KEY=VALUE   extra configuration for every service (repeatable), e.g. --set Cairn:GcIntervalSeconds=5
        Credentials come from S3_ACCESS_KEY and S3_SECRET_KEY (defaults cairnadmin / cairnadmin-secret-key).
        """;

    public static StackOptions Parse(string[] args)
    {
        var o = new StackOptions();
        var extra = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--port": o = o with { S3Port = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) }; break;
                case "--data": o = o with { DataDir = Path.GetFullPath(Next()) }; break;
                case "--nodes": o = o with { StorageNodes = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) }; break;
                case "--disks": o = o with { DisksPerNode = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) }; break;
                case "--set":
                    var kv = Next().Split('=', 2);
                    extra[kv[0]] = kv.Length > 1 ? kv[1] : "";
                    break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }

        return o with { Extra = extra };
    }
}
