namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>What happened when one request was sent to both servers.</summary>
internal enum StepOutcome
{
    /// <summary>Both servers replied.</summary>
    Replied,
    /// <summary>Redis replied, ours did not within the reply timeout: a hang.</summary>
    OursHung,
    /// <summary>Our connection closed or our process exited: a crash.</summary>
    OursCrashed,
    /// <summary>Redis did not reply: the generator produced something it must not (e.g. a blocking forever request).</summary>
    RedisFailed,
}
