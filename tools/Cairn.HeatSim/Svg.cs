using System.Globalization;
using System.Xml.Linq;

namespace Cairn.HeatSim;

/// <summary>A minimal line chart written as SVG: no plotting dependency, readable in any browser or on GitHub.</summary>
internal sealed class LineChart(string title, string xLabel, string yLabel)
{
    private static readonly string[] Palette = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
    private readonly List<(string Name, IReadOnlyList<(double X, double Y)> Points)> _series = [];

    public bool LogX { get; init; }
    public bool LogY { get; init; }

    public LineChart Add(string name, IReadOnlyList<(double X, double Y)> points)
    {
        _series.Add((name, points));
        return this;
    }

    public void Save(string path)
    {
        const double width = 720, height = 420, left = 70, right = 180, top = 40, bottom = 50;
        XNamespace ns = "http://www.w3.org/2000/svg";
        var all = _series.SelectMany(s => s.Points).ToList();
        double Tx(double x) => LogX ? Math.Log10(Math.Max(x, 1e-9)) : x;
        double Ty(double y) => LogY ? Math.Log10(Math.Max(y, 1e-9)) : y;
        var (x0, x1) = (all.Min(p => Tx(p.X)), all.Max(p => Tx(p.X)));
        var (y0, y1) = (Math.Min(0, all.Min(p => Ty(p.Y))), all.Max(p => Ty(p.Y)));
        if (LogY)
        {
            y0 = all.Min(p => Ty(p.Y));
        }

        if (x1 == x0) { x1 = x0 + 1; }
        if (y1 == y0) { y1 = y0 + 1; }
        double Px(double x) => left + (Tx(x) - x0) / (x1 - x0) * (width - left - right);
        double Py(double y) => height - bottom - (Ty(y) - y0) / (y1 - y0) * (height - top - bottom);
        static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

        var svg = new XElement(ns + "svg",
            new XAttribute("width", width), new XAttribute("height", height),
            new XAttribute("viewBox", $"0 0 {width} {height}"),
            new XAttribute("font-family", "sans-serif"), new XAttribute("font-size", 12),
            new XElement(ns + "rect", new XAttribute("width", width), new XAttribute("height", height), new XAttribute("fill", "white")),
            new XElement(ns + "text", new XAttribute("x", width / 2), new XAttribute("y", 22), new XAttribute("text-anchor", "middle"),
                new XAttribute("font-size", 15), title),
            new XElement(ns + "line", new XAttribute("x1", left), new XAttribute("y1", height - bottom),
                new XAttribute("x2", width - right), new XAttribute("y2", height - bottom), new XAttribute("stroke", "black")),
            new XElement(ns + "line", new XAttribute("x1", left), new XAttribute("y1", top),
                new XAttribute("x2", left), new XAttribute("y2", height - bottom), new XAttribute("stroke", "black")),
            new XElement(ns + "text", new XAttribute("x", (left + width - right) / 2), new XAttribute("y", height - 12),
                new XAttribute("text-anchor", "middle"), xLabel),
            new XElement(ns + "text", new XAttribute("x", 16), new XAttribute("y", (top + height - bottom) / 2),
                new XAttribute("transform", $"rotate(-90 16 {F((top + height - bottom) / 2)})"), new XAttribute("text-anchor", "middle"), yLabel));

        for (var i = 0; i <= 4; i++)
        {
            var tx = x0 + (x1 - x0) * i / 4;
            var ty = y0 + (y1 - y0) * i / 4;
            var xValue = LogX ? Math.Pow(10, tx) : tx;
            var yValue = LogY ? Math.Pow(10, ty) : ty;
            svg.Add(new XElement(ns + "text", new XAttribute("x", F(Px(xValue))), new XAttribute("y", height - bottom + 16),
                new XAttribute("text-anchor", "middle"), F(xValue)));
            svg.Add(new XElement(ns + "text", new XAttribute("x", left - 6), new XAttribute("y", F(Py(yValue) + 4)),
                new XAttribute("text-anchor", "end"), F(yValue)));
            svg.Add(new XElement(ns + "line", new XAttribute("x1", left), new XAttribute("y1", F(Py(yValue))),
                new XAttribute("x2", width - right), new XAttribute("y2", F(Py(yValue))), new XAttribute("stroke", "#eee")));
        }

        for (var s = 0; s < _series.Count; s++)
        {
            var colour = Palette[s % Palette.Length];
            var points = string.Join(' ', _series[s].Points.Select(p => $"{F(Px(p.X))},{F(Py(p.Y))}"));
            svg.Add(new XElement(ns + "polyline", new XAttribute("points", points), new XAttribute("fill", "none"),
                new XAttribute("stroke", colour), new XAttribute("stroke-width", 1.6)));
            var ly = top + 10 + s * 20;
            svg.Add(new XElement(ns + "line", new XAttribute("x1", width - right + 12), new XAttribute("y1", ly),
                new XAttribute("x2", width - right + 32), new XAttribute("y2", ly), new XAttribute("stroke", colour), new XAttribute("stroke-width", 3)));
            svg.Add(new XElement(ns + "text", new XAttribute("x", width - right + 38), new XAttribute("y", ly + 4), _series[s].Name));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        new XDocument(svg).Save(path);
    }
}
