using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Cairn.Bench;
using Cairn.DevStack;

// Usage:
//   s3           [--endpoint URL --access-key K --secret-key S] --op put|get|mixed|delete|list --size 4KiB[,64MiB] -c 16 --duration 10 [--warmup 0] [--json F]
//                without --endpoint it starts a local Cairn stack for the run;
//                --vs-endpoint URL --vs-access-key K --vs-secret-key S [--vs-name N] runs the same workload against a
//                yardstick in the same run and prints ours/theirs ratios
//   get-vs-nginx [--size 64MiB -c 4 --duration 10 --warmup 30 --objects 16 --json F]: whole-stack GET against nginx serving the same bytes
//   heat-get     [--size 1MiB -c 16 --duration 20 --warmup 30 --slice 3 --slow-ms 50 --objects 64]: GET p99 with one disk slowed,
//                read steering and hedging on vs off (two stacks side by side, the workload alternating between them)
var command = args.FirstOrDefault() ?? "help";
var opts = ParseFlags(args.Skip(1).ToArray());
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };

switch (command)
{
    case "s3":
        return await RunS3Async(opts, cts.Token);
    case "get-vs-nginx":
        return await GetVsNginxAsync(opts, cts.Token);
    case "heat-get":
        return await HeatGetAsync(opts, cts.Token);
    default:
        Console.WriteLine("cairn-bench s3 | get-vs-nginx | heat-get  (see tools/Cairn.Bench/README.md)");
        return command == "help" ? 0 : 2;
}

static async Task<int> RunS3Async(Dictionary<string, string> o, CancellationToken ct)
{
    await using var stack = o.ContainsKey("endpoint") ? null : await StartStackAsync(ct);
    var endpoint = new Uri(o.GetValueOrDefault("endpoint") ?? stack!.S3Endpoint);
    var sizes = (o.GetValueOrDefault("size") ?? "4KiB").Split(',').Select(Report.ParseSize).ToArray();
    var workload = new WorkloadOptions
    {
        Endpoint = endpoint,
        AccessKey = o.GetValueOrDefault("access-key") ?? stack?.Options.AccessKey ?? "cairnadmin",
        SecretKey = o.GetValueOrDefault("secret-key") ?? stack?.Options.SecretKey ?? "cairnadmin-secret-key",
        Bucket = o.GetValueOrDefault("bucket") ?? "cairn-bench",
        Op = Enum.Parse<Operation>(o.GetValueOrDefault("op") ?? "get", ignoreCase: true),
        Sizes = sizes,
        Concurrency = int.Parse(o.GetValueOrDefault("c") ?? "16", CultureInfo.InvariantCulture),
        Duration = TimeSpan.FromSeconds(double.Parse(o.GetValueOrDefault("duration") ?? "10", CultureInfo.InvariantCulture)),
        Warmup = TimeSpan.FromSeconds(double.Parse(o.GetValueOrDefault("warmup") ?? "0", CultureInfo.InvariantCulture)),
        Objects = int.Parse(o.GetValueOrDefault("objects") ?? "64", CultureInfo.InvariantCulture),
    };
    using var run = new Workload(workload);
    var stats = await run.RunAsync(ct);
    var target = o.GetValueOrDefault("target") ?? (stack is null ? endpoint.Authority : "cairn");
    var rows = stats.Select(s => Report.ToRow(target, s, sizes[0], workload.Concurrency, run.Elapsed)).ToList();

    // The yardstick: the same workload, same client, same run, against another S3 endpoint (radosgw from
    // ../shared/yardsticks/rgw.sh, s3rver, MinIO). Ratios are ours / theirs, so above 1 means Cairn is faster.
    var ratios = new List<Report.Ratio>();
    if (o.TryGetValue("vs-endpoint", out var vsEndpoint))
    {
        var vsName = o.GetValueOrDefault("vs-name") ?? new Uri(vsEndpoint).Authority;
        var theirs = workload with
        {
            Endpoint = new Uri(vsEndpoint),
            AccessKey = o.GetValueOrDefault("vs-access-key") ?? throw new ArgumentException("--vs-access-key is required with --vs-endpoint"),
            SecretKey = o.GetValueOrDefault("vs-secret-key") ?? throw new ArgumentException("--vs-secret-key is required with --vs-endpoint"),
        };
        using var vsRun = new Workload(theirs);
        var vsStats = await vsRun.RunAsync(ct);
        var vsRows = vsStats.Select(s => Report.ToRow(vsName, s, sizes[0], workload.Concurrency, vsRun.Elapsed)).ToList();
        foreach (var ours in rows.ToList())
        {
            var match = vsRows.FirstOrDefault(r => r.Op == ours.Op);
            if (match is null || match.OpsPerSec == 0)
            {
                continue;
            }

            ratios.Add(new Report.Ratio(ours.Op, ours.OpsPerSec, match.OpsPerSec, ours.OpsPerSec / match.OpsPerSec));
        }

        rows.AddRange(vsRows);
    }

    Report.PrintTable(rows);
    foreach (var r in ratios)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"s3 {r.Op.ToLowerInvariant()} {Report.Size(sizes[0])} c={workload.Concurrency} ours={r.Ours:F1}ops/s theirs={r.Theirs:F1}ops/s ratio={r.Value:F2}"));
    }

    Report.WriteJson(o.GetValueOrDefault("json") ?? "bench-results/s3.json", new { endpoint = endpoint.ToString(), workload = workload.Op.ToString(), rows, ratios });
    return 0;
}

static async Task<int> GetVsNginxAsync(Dictionary<string, string> o, CancellationToken ct)
{
    var size = Report.ParseSize(o.GetValueOrDefault("size") ?? "64MiB");
    var concurrency = int.Parse(o.GetValueOrDefault("c") ?? "4", CultureInfo.InvariantCulture);
    var duration = TimeSpan.FromSeconds(double.Parse(o.GetValueOrDefault("duration") ?? "10", CultureInfo.InvariantCulture));
    // Both sides get the same unmeasured warm-up: twelve freshly started .NET services on a few cores run tier-0 JIT
    // code and their first background passes for tens of seconds (measured: 64 MiB GETs at 5 s ~230 MiB/s, warm ~550).
    var warmup = TimeSpan.FromSeconds(double.Parse(o.GetValueOrDefault("warmup") ?? "30", CultureInfo.InvariantCulture));
    var work = Directory.CreateTempSubdirectory("cairn-bench-");
    try
    {
        await using var stack = await StartStackAsync(ct, Path.Combine(work.FullName, "stack"));
        using var nginx = await Nginx.StartAsync(Path.Combine(work.FullName, "nginx"));
        // Enough objects that the workers do not all pile onto the same few shards (nginx serves the same set).
        var objects = int.Parse(o.GetValueOrDefault("objects") ?? "16", CultureInfo.InvariantCulture);

        var ours = new WorkloadOptions
        {
            Endpoint = new Uri(stack.S3Endpoint), AccessKey = stack.Options.AccessKey, SecretKey = stack.Options.SecretKey,
            Op = Operation.Get, Sizes = [size], Concurrency = concurrency, Duration = duration, Objects = objects, Warmup = warmup,
        };
        using var oursRun = new Workload(ours);
        var oursStats = (await oursRun.RunAsync(ct)).Single(s => s.Name == "GET");

        // nginx serves the same bytes: the same object files at the same paths, read by the same client code.
        Directory.CreateDirectory(Path.Combine(nginx.Root, "cairn-bench", "obj"));
        var bytes = RandomNumberGenerator.GetBytes((int)size);
        for (var i = 0; i < objects; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(nginx.Root, "cairn-bench", "obj", $"{i:D6}"), bytes, ct);
        }

        var theirs = ours with { Endpoint = new Uri($"http://127.0.0.1:{nginx.Port}"), Raw = true };
        using var theirsRun = new Workload(theirs);
        var nginxStats = (await theirsRun.RunAsync(ct)).Single(s => s.Name == "GET");

        var rows = new[]
        {
            Report.ToRow("cairn", oursStats, size, concurrency, oursRun.Elapsed),
            Report.ToRow("nginx", nginxStats, size, concurrency, theirsRun.Elapsed),
        };
        Report.PrintTable(rows);
        var ratio = rows[0].MiBPerSec / rows[1].MiBPerSec;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"get {Report.Size(size)} c={concurrency} ours={rows[0].MiBPerSec:F0}MiB/s nginx={rows[1].MiBPerSec:F0}MiB/s ratio={ratio:F2}"));
        Report.WriteJson(o.GetValueOrDefault("json") ?? "bench-results/get-vs-nginx.json", new { rows, ratio });
        return 0;
    }
    finally
    {
        work.Delete(recursive: true);
    }
}

static async Task<int> HeatGetAsync(Dictionary<string, string> o, CancellationToken ct)
{
    var size = Report.ParseSize(o.GetValueOrDefault("size") ?? "1MiB");
    var concurrency = int.Parse(o.GetValueOrDefault("c") ?? "16", CultureInfo.InvariantCulture);
    var duration = TimeSpan.FromSeconds(double.Parse(o.GetValueOrDefault("duration") ?? "20", CultureInfo.InvariantCulture));
    var latency = int.Parse(o.GetValueOrDefault("slow-ms") ?? "50", CultureInfo.InvariantCulture);
    var objects = int.Parse(o.GetValueOrDefault("objects") ?? "64", CultureInfo.InvariantCulture);
    var warmup = TimeSpan.FromSeconds(double.Parse(o.GetValueOrDefault("warmup") ?? "30", CultureInfo.InvariantCulture));
    var slice = TimeSpan.FromSeconds(double.Parse(o.GetValueOrDefault("slice") ?? "3", CultureInfo.InvariantCulture));
    var (on, off) = await HeatBench.RunAsync(size, concurrency, duration, warmup, slice, latency, objects, ct);
    Report.PrintTable([on.Row, off.Row]);
    var ratio = on.Row.P99Ms / off.Row.P99Ms;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"heat get {Report.Size(size)} slowdisk={latency}ms p99_on={on.Row.P99Ms:F1}ms p99_off={off.Row.P99Ms:F1}ms ratio={ratio:F2}"));
    Report.WriteJson(o.GetValueOrDefault("json") ?? "bench-results/heat-get.json", new { on, off, ratio });
    return 0;
}

static async Task<LocalStack> StartStackAsync(CancellationToken ct, string? dataDir = null)
{
    var sw = Stopwatch.StartNew();
    var stack = await LocalStack.StartAsync(new StackOptions
    {
        S3Port = 0,
        DataDir = dataDir ?? Path.Combine(Path.GetTempPath(), "cairn-bench-" + Guid.NewGuid().ToString("N")[..8]),
    }, Console.Error, ct);
    Console.Error.WriteLine($"local stack up in {sw.Elapsed.TotalSeconds:F1}s at {stack.S3Endpoint}");
    return stack;
}

static Dictionary<string, string> ParseFlags(string[] args)
{
    var d = new Dictionary<string, string>();
    for (var i = 0; i < args.Length; i++)
    {
        var key = args[i].TrimStart('-');
        d[key] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
    }

    return d;
}
