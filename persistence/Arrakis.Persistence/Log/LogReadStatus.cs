namespace Arrakis.Persistence.Log;

/// <summary>How reading the log ended.</summary>
public enum LogReadStatus
{
    /// <summary>Every frame was valid up to never-written space.</summary>
    Clean,

    /// <summary>The last frame was torn or never completed (it was not yet durable when the crash came); it was not applied and is to be cut.</summary>
    TornTail,

    /// <summary>A frame that a later frame knew to be durable is damaged, or a valid frame holds malformed records: data that was acknowledged is unreadable.</summary>
    Corrupt,

    /// <summary>The device failed a read.</summary>
    DeviceError,
}
