using Cairn.Namespace.Domain;

namespace Cairn.Namespace.Store;

/// <summary>Delimiter roll-up over a lazy ordered scan: stop at a common prefix and re-seek past all of it.</summary>
internal static class RollUp
{
    /// <summary>Where the scan resumes after <paramref name="key"/>: past its common prefix when it has one.</summary>
    public static byte[]? NextStart(byte[] key, int prefixLength, byte[] delimiter)
    {
        var at = key.AsSpan(prefixLength).IndexOf(delimiter);
        return at < 0 ? ObjectKeys.Successor(key) : ObjectKeys.PrefixEnd(key.AsSpan(0, prefixLength + at + delimiter.Length));
    }

    /// <summary>For stores whose ordered scans are cheap to abandon (an embedded B-tree cursor).</summary>
    public static IEnumerable<VersionRecord> Seek(
        INamespaceReader reader, string bucket, byte[] from, byte[]? toExclusive, int prefixLength, byte[] delimiter, int expectedRows)
    {
        byte[]? lo = from;
        while (lo is not null)
        {
            byte[]? reseek = null;
            foreach (var row in reader.SeekLatest(bucket, lo, toExclusive, expectedRows))
            {
                yield return row;
                if (row.Key.AsSpan(prefixLength).IndexOf(delimiter) >= 0)
                {
                    reseek = NextStart(row.Key, prefixLength, delimiter);
                    break;
                }
            }

            lo = reseek;
        }
    }
}
