using System.Globalization;
using Cairn.EngineBench;

// Engine vs raw disk in one run, rounds interleaved (ours, raw, ours, raw, ...) so drift hits both alike.
var options = new BenchOptions();
for (int a = 0; a < args.Length; a++)
{
    switch (args[a])
    {
        case "--dir": options = options with { Directory = args[++a] }; break;
        case "--json": options = options with { JsonPath = args[++a] }; break;
        case "--rounds": options = options with { Rounds = int.Parse(args[++a], CultureInfo.InvariantCulture) }; break;
        case "--write-mib": options = options with { WriteMiB = int.Parse(args[++a], CultureInfo.InvariantCulture) }; break;
        case "--read-shards": options = options with { ReadShards = int.Parse(args[++a], CultureInfo.InvariantCulture) }; break;
        case "--read-seconds": options = options with { ReadSeconds = double.Parse(args[++a], CultureInfo.InvariantCulture) }; break;
        case "--writers": options = options with { Writers = int.Parse(args[++a], CultureInfo.InvariantCulture) }; break;
        case "--only": options = options with { Only = args[++a].Split(',').ToHashSet() }; break;
        default:
            Console.Error.WriteLine($"unknown argument {args[a]}; usage: [--dir path] [--json path] [--rounds n] [--write-mib n] [--read-shards n] [--read-seconds s] [--writers n] [--only seqwrite,randread,put]");
            return 2;
    }
}

string root = Path.Combine(Path.GetFullPath(options.Directory), "enginebench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
Directory.CreateDirectory(root);
try
{
    Console.WriteLine($"engine bench dir={root} rounds={options.Rounds} write={options.WriteMiB}MiB/round read-shards={options.ReadShards} read={options.ReadSeconds}s/round");
    var results = new List<Comparison>();
    if (options.Runs("seqwrite"))
    {
        results.Add(await SeqWrite.RunAsync(root, options));
    }

    if (options.Runs("randread"))
    {
        results.Add(await RandRead.RunAsync(root, options));
    }

    if (options.Runs("put"))
    {
        results.Add(await GroupCommit.RunAsync(root, options));
    }

    foreach (var result in results)
    {
        Console.WriteLine(result.Line());
    }

    Report.WriteJson(options.JsonPath, options, results);
    Console.WriteLine($"json: {options.JsonPath}");
    return 0;
}
finally
{
    Directory.Delete(root, recursive: true);
}
