using Arrakis.IoBypass.Transport;

namespace Arrakis.IoBypass.Net.Stack;

/// <summary>An <see cref="IIdleWaiter"/> over an in-process event: for NIC queues without an fd (a simulated VF), woken by <see cref="Wake"/> only.</summary>
internal sealed class EventIdleWaiter : IIdleWaiter
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wait(int timeoutMs)
    {
        if (timeoutMs != 0) _signal.Wait(timeoutMs);
    }

    public void Wake()
    {
        try
        {
            if (_signal.CurrentCount == 0) _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // already signalled by another thread
        }
    }

    public bool Watch(int fd) => false;

    public void Dispose() => _signal.Dispose();
}
