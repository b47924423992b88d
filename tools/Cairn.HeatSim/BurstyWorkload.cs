namespace Cairn.HeatSim;

/// <summary>
/// One tenant: idle most of the time, then a burst at a high request rate. An on/off Markov source whose
/// long-run duty cycle is <see cref="DutyCycle"/>; bursts last <see cref="MeanBurstSeconds"/> on average.
/// </summary>
internal sealed class BurstyWorkload(double burstRate, double dutyCycle, double meanBurstSeconds, bool startOn)
{
    public double BurstRate { get; } = burstRate;
    public double DutyCycle { get; } = dutyCycle;
    public double MeanBurstSeconds { get; } = meanBurstSeconds;
    public bool On { get; private set; } = startOn;

    /// <summary>Mean requests per second over the long run.</summary>
    public double MeanRate => BurstRate * DutyCycle;

    /// <summary>Advances one second; returns the requests issued in it.</summary>
    public int Step(Random random)
    {
        var offProbability = 1.0 / MeanBurstSeconds;
        // Chosen so that the stationary probability of being on equals the duty cycle.
        var onProbability = offProbability * DutyCycle / (1 - DutyCycle);
        On = On ? random.NextDouble() >= offProbability : random.NextDouble() < onProbability;
        return On ? Sampling.Poisson(random, BurstRate) : 0;
    }

    public static BurstyWorkload Create(Random random, double burstRate, double dutyCycle, double meanBurstSeconds) =>
        new(burstRate, dutyCycle, meanBurstSeconds, random.NextDouble() < dutyCycle);
}
