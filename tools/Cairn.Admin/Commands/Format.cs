using System.Globalization;
using Cairn.Placement.V1;

namespace Cairn.Admin.Commands;

/// <summary>How figures read in a terminal (markup-escaped by the caller where needed).</summary>
internal static class Format
{
    public static string Bytes(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        var i = 0;
        while (bytes >= 1024 && i < units.Length - 1)
        {
            bytes /= 1024;
            i++;
        }

        return bytes.ToString(i == 0 ? "F0" : "F1", CultureInfo.InvariantCulture) + " " + units[i];
    }

    /// <summary>A ten-cell bar with the percentage, green to red as the disk fills.</summary>
    public static string FillBar(double fraction)
    {
        fraction = Math.Clamp(fraction, 0, 1);
        var cells = (int)Math.Round(fraction * 10);
        var colour = fraction switch { >= 0.9 => "red", >= 0.75 => "yellow", _ => "green" };
        return $"[{colour}]{new string('█', cells)}[/][grey]{new string('░', 10 - cells)}[/] {(fraction * 100).ToString("F0", CultureInfo.InvariantCulture)}%";
    }

    public static string State(DiskState state) => state switch
    {
        DiskState.Active => "[green]active[/]",
        DiskState.Draining => "[yellow]draining[/]",
        DiskState.Full => "[yellow]full[/]",
        DiskState.Failed => "[red]failed[/]",
        DiskState.Offline => "[red]offline[/]",
        _ => "unknown",
    };

    public static string Number(double value, string format = "F1") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Time(long unixMs) => unixMs <= 0
        ? "never"
        : DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
