using System.Globalization;
using System.Text.Json;
using Cairn.NsBench;

// Usage: cairn-nsbench [--keys 1000000] [--small 10000] [--backend sqlite,postgres] [--postgres CONNSTR]
//                      [--pages 200] [--put-ops 3000] [--get-ops 20000] [-c 4] [--data DIR] [--json FILE] [--keep]
// Postgres connection: --postgres, else CAIRN_TEST_POSTGRES, else the cluster tools/ci/start-postgres.sh starts.
var o = ParseFlags(args);
var keys = Long("keys", 1_000_000);
var small = Long("small", 10_000);
var pages = (int)Long("pages", 200);
var putOps = (int)Long("put-ops", 3000);
var getOps = (int)Long("get-ops", 20_000);
var concurrency = (int)Long("c", 4);
var backends = (o.GetValueOrDefault("backend") ?? "sqlite,postgres").Split(',', StringSplitOptions.RemoveEmptyEntries);
var postgres = o.GetValueOrDefault("postgres")
    ?? (Environment.GetEnvironmentVariable("CAIRN_TEST_POSTGRES") is { Length: > 0 } env ? env : null)
    ?? "Host=127.0.0.1;Port=55432;Username=cairn;Password=cairn;Database=cairn";
var dataDir = o.GetValueOrDefault("data") ?? Path.GetTempPath();
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
var ct = cts.Token;

var results = new List<object>();
var json = o.GetValueOrDefault("json") ?? Path.Combine("bench-results", "nsbench.json");
foreach (var backend in backends)
{
    Task<BenchStore> Open() => backend switch
    {
        "sqlite" => Task.FromResult(BenchStore.OpenSqlite(dataDir)),
        "postgres" => BenchStore.OpenPostgresAsync(postgres, o.ContainsKey("keep"), ct),
        _ => throw new ArgumentException($"unknown backend {backend} (sqlite, postgres)"),
    };

    // The small bucket lives in its own fresh store: the comparison is a 10k-key database against a 1M-key one.
    var smallTree = new KeyTree(small);
    var tree = new KeyTree(keys);
    await using var smallStore = await Open();
    await using var store = await Open();
    await Loader.LoadAsync(smallStore, Measure.Bucket, smallTree, ct);
    Console.Error.WriteLine($"{backend}: loading {tree.Count:N0} keys");
    var loadRate = await Loader.LoadAsync(store, Measure.Bucket, tree, ct);
    var (smallNoDelim, noDelim) = await Measure.ListPagesAsync((smallStore.Service, smallTree), (store.Service, tree), false, pages, ct);
    var (smallDelim, delim) = await Measure.ListPagesAsync((smallStore.Service, smallTree), (store.Service, tree), true, pages, ct);
    var get = await Measure.GetAsync(store.Service, Measure.Bucket, tree, getOps, concurrency, ct);
    var put = await Measure.PutAsync(store.Service, Measure.Bucket, putOps, concurrency, ct);

    string big = Label(tree.Count), little = Label(smallTree.Count);
    var ratioNoDelim = noDelim.P50Ms / smallNoDelim.P50Ms;
    var ratioDelim = delim.P50Ms / smallDelim.P50Ms;
    Line($"ns load {big} keys keys/s={loadRate:F0}");
    Line($"ns list {big} keys page={Measure.PageSize} nodelim p50={noDelim.P50Ms:F2}ms p99={noDelim.P99Ms:F2}ms entries={noDelim.MeanEntries:F0}");
    Line($"ns list {big} keys page={Measure.PageSize} delim p50={delim.P50Ms:F2}ms p99={delim.P99Ms:F2}ms entries={delim.MeanEntries:F0}");
    Line($"ns list {little} keys page={Measure.PageSize} nodelim p50={smallNoDelim.P50Ms:F2}ms p99={smallNoDelim.P99Ms:F2}ms entries={smallNoDelim.MeanEntries:F0}");
    Line($"ns list {little} keys page={Measure.PageSize} delim p50={smallDelim.P50Ms:F2}ms p99={smallDelim.P99Ms:F2}ms entries={smallDelim.MeanEntries:F0}");
    Line($"ns list ratio {big}/{little} nodelim={ratioNoDelim:F2} delim={ratioDelim:F2} (target <= 2)");
    Line($"ns put ops/s={put:F0} c={concurrency}");
    Line($"ns get ops/s={get:F0} c={concurrency}");
    results.Add(new
    {
        backend, keys = tree.Count, smallKeys = smallTree.Count, page = Measure.PageSize, pages, concurrency,
        loadKeysPerSecond = loadRate, listNoDelim = noDelim, listDelim = delim, smallListNoDelim = smallNoDelim,
        smallListDelim = smallDelim, ratioNoDelim, ratioDelim, putOpsPerSecond = put, getOpsPerSecond = get,
    });

    // Written after every backend, so a long run interrupted later keeps what it measured.
    await WriteJsonAsync();

    void Line(string text) => Console.WriteLine($"{text} backend={backend}");
}

return 0;

async Task WriteJsonAsync()
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
    await File.WriteAllTextAsync(json, JsonSerializer.Serialize(
        new { machine = new { cores = Environment.ProcessorCount, os = Environment.OSVersion.ToString() }, results },
        new JsonSerializerOptions { WriteIndented = true }), ct);
    Console.Error.WriteLine($"wrote {json}");
}

long Long(string name, long fallback) =>
    o.TryGetValue(name, out var v) ? long.Parse(v.Replace("_", "", StringComparison.Ordinal), CultureInfo.InvariantCulture) : fallback;

static string Label(long n) => n switch
{
    >= 1_000_000 when n % 1_000_000 == 0 => $"{n / 1_000_000}M",
    >= 1000 when n % 1000 == 0 => $"{n / 1000}k",
    _ => n.ToString(CultureInfo.InvariantCulture),
};

static Dictionary<string, string> ParseFlags(string[] args)
{
    var flags = new Dictionary<string, string>();
    for (var i = 0; i < args.Length; i++)
    {
        if (args[i].StartsWith('-'))
        {
            var name = args[i].TrimStart('-');
            flags[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }
    }

    return flags;
}
