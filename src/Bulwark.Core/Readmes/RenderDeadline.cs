namespace Bulwark.Core.Readmes;

/// <summary>
/// The moment one render must stop. Checked from inside Markdig's parsers and the HTML tokenizer, because
/// neither takes a cancellation token: throwing from a callback is the only way to stop them early.
/// </summary>
public sealed class RenderDeadline(TimeProvider time, TimeSpan limit)
{
    private readonly long _end = time.GetTimestamp() + (long)(limit.TotalSeconds * time.TimestampFrequency);
    private int _calls;

    /// <summary>Throws <see cref="ReadmeBudgetExceededException"/> once the time is up.</summary>
    public void Check()
    {
        if (time.GetTimestamp() >= _end) throw new ReadmeBudgetExceededException("it took too long to render");
    }

    /// <summary>The same, reading the clock on every 64th call only (for per-token callbacks).</summary>
    public void CheckOften()
    {
        if ((++_calls & 63) == 0) Check();
    }
}
