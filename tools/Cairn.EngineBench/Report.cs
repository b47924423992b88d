using System.Text.Json;

namespace Cairn.EngineBench;

internal static class Report
{
    public static void WriteJson(string path, BenchOptions options, IReadOnlyList<Comparison> results)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteNumber("rounds", options.Rounds);
        w.WriteNumber("writeMiBPerRound", options.WriteMiB);
        w.WriteNumber("readShards", options.ReadShards);
        w.WriteNumber("writers", options.Writers);
        w.WriteStartArray("results");
        foreach (var r in results)
        {
            w.WriteStartObject();
            w.WriteString("name", r.Name);
            w.WriteString("unit", r.Unit);
            w.WriteNumber("ours", Math.Round(r.OursMedian, 1));
            if (r.RawMedian is { } raw)
            {
                w.WriteNumber("raw", Math.Round(raw, 1));
                w.WriteNumber("ratio", Math.Round(r.Ratio!.Value, 3));
            }

            w.WriteStartArray("oursRounds");
            foreach (double v in r.Ours)
            {
                w.WriteNumberValue(Math.Round(v, 1));
            }

            w.WriteEndArray();
            if (r.Raw is not null)
            {
                w.WriteStartArray("rawRounds");
                foreach (double v in r.Raw)
                {
                    w.WriteNumberValue(Math.Round(v, 1));
                }

                w.WriteEndArray();
            }

            w.WriteString("note", r.Note);
            w.WriteString("line", r.Line());
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
