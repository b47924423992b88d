namespace Cairn.StorageNode.Shards.Engine;

/// <summary>
/// One append-only extent file. Space is handed out by <see cref="ExtentSet.Reserve"/>; writers then pwrite
/// their frames concurrently. Pins (held by writers until their commit and by open reads) keep the file from
/// being retired under them. <see cref="Salt"/> (v2) is what marks this extent's commit frames; null for v1.
/// </summary>
public sealed class Extent(uint id, IDiskFile file, long tail, ulong? salt)
{
    public uint Id { get; } = id;

    public ulong? Salt { get; } = salt;

    public IDiskFile File { get; } = file;

    /// <summary>Bytes handed out so far, header included; guarded by the extent set's lock.</summary>
    public long Tail { get; internal set; } = tail;

    /// <summary>Writers and readers using the file; guarded by the extent set's lock.</summary>
    internal int Pins { get; set; }

    internal bool Retired { get; set; }

    public static string PathOf(uint id) => Path.Combine(ExtentSet.Directory, id.ToString("D8", System.Globalization.CultureInfo.InvariantCulture) + ".ext");
}
