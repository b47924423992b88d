namespace Cairn.HeatMonitor.Heat;

/// <summary>
/// An exponentially time-decayed event rate. It keeps the decayed "mass" of past events, m = sum c_i 2^(-age_i/h);
/// a steady rate r accumulates m = r h / ln 2, so the rate is m ln 2 / h. Counts of a sample are spread evenly
/// over its window (their mass is r h/ln2 (1 - 2^(-w/h))), which makes the estimate exact at steady state
/// whatever the reporting window. Without samples the rate keeps decaying, so a silent disk cools by itself.
/// Not thread-safe: the tracker guards it.
/// </summary>
internal sealed class DecayingRate(TimeSpan halfLife)
{
    private readonly double _halfLifeSeconds = halfLife.TotalSeconds;
    private double _mass;
    private DateTimeOffset _at;

    public void Add(double count, TimeSpan window, DateTimeOffset now)
    {
        _mass = MassAt(now);
        _at = now;
        var w = window.TotalSeconds;
        _mass += w <= 0
            ? count
            : count / w * (_halfLifeSeconds / Math.Log(2)) * (1 - Math.Pow(2, -w / _halfLifeSeconds));
    }

    public double RateAt(DateTimeOffset now) => MassAt(now) * Math.Log(2) / _halfLifeSeconds;

    private double MassAt(DateTimeOffset now)
    {
        var age = (now - _at).TotalSeconds;
        return age <= 0 ? _mass : _mass * Math.Pow(2, -age / _halfLifeSeconds);
    }
}
