// The fake driver's streams and events: FIFO queues run in order by the emulator thread.
#include "driver_state.h"

using namespace emu_driver;

extern "C" {


CUresult cuStreamCreate(CUstream* phStream, unsigned int flags) {
    if (CUresult r = needContext()) return r;
    if (phStream == nullptr || flags > 1) return CUDA_ERROR_INVALID_VALUE;
    CUstream_st* s = new CUstream_st();
    s->s.flags = flags;
    std::lock_guard<std::mutex> lock(S.m);
    S.streams.insert(s);
    *phStream = s;
    return CUDA_SUCCESS;
}

CUresult cuStreamCreateWithPriority(CUstream* phStream, unsigned int flags, int) {
    return cuStreamCreate(phStream, flags);
}

CUresult cuStreamGetFlags(CUstream hStream, unsigned int* flags) {
    if (CUresult r = needContext()) return r;
    Stream* s = streamOf(hStream);
    if (s == nullptr) return CUDA_ERROR_INVALID_HANDLE;
    if (flags == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *flags = s->flags;
    return CUDA_SUCCESS;
}

CUresult cuStreamDestroy_v2(CUstream hStream) {
    if (CUresult r = needContext()) return r;
    if (hStream == nullptr || streamOf(hStream) == nullptr || streamOf(hStream) == &S.legacy) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    waitStream(&hStream->s);  // the real driver lets queued work finish; here the host waits for it
    std::lock_guard<std::mutex> lock(S.m);
    S.streams.erase(hStream);
    delete hStream;
    return CUDA_SUCCESS;
}

CUresult cuStreamSynchronize(CUstream hStream) {
    if (!S.initialized) return CUDA_ERROR_NOT_INITIALIZED;
    if (tl_current == nullptr) return CUDA_ERROR_INVALID_CONTEXT;
    Stream* s = streamOf(hStream);
    if (s == nullptr) return CUDA_ERROR_INVALID_HANDLE;
    waitStream(s);
    g_syncs++;
    return g_sticky.load();
}

CUresult cuStreamQuery(CUstream hStream) {
    if (CUresult r = needContext()) return r;
    Stream* s = streamOf(hStream);
    if (s == nullptr) return CUDA_ERROR_INVALID_HANDLE;
    std::lock_guard<std::mutex> lock(S.m);
    return s->pending == 0 ? CUDA_SUCCESS : CUDA_ERROR_NOT_READY;
}

CUresult cuStreamWaitEvent(CUstream hStream, CUevent, unsigned int) {
    if (CUresult r = needContext()) return r;
    // one queue runs every stream in enqueue order, so work queued after the event's record already follows it
    return streamOf(hStream) == nullptr ? CUDA_ERROR_INVALID_HANDLE : CUDA_SUCCESS;
}

CUresult cuLaunchHostFunc(CUstream hStream, CUhostFn fn, void* userData) {
    if (CUresult r = needContext()) return r;
    if (fn == nullptr) return CUDA_ERROR_INVALID_VALUE;
    return myelin_emu_enqueue(hStream, fn, userData);
}

CUresult cuEventCreate(CUevent* phEvent, unsigned int) {
    if (CUresult r = needContext()) return r;
    if (phEvent == nullptr) return CUDA_ERROR_INVALID_VALUE;
    CUevent_st* e = new CUevent_st();
    std::lock_guard<std::mutex> lock(S.m);
    S.events.insert(e);
    *phEvent = e;
    return CUDA_SUCCESS;
}

static bool validEvent(CUevent e) {
    std::lock_guard<std::mutex> lock(S.m);
    return S.events.count(e) != 0;
}

CUresult cuEventRecord(CUevent hEvent, CUstream hStream) {
    if (CUresult r = needContext()) return r;
    if (!validEvent(hEvent)) return CUDA_ERROR_INVALID_HANDLE;
    Stream* s = streamOf(hStream);
    if (s == nullptr) return CUDA_ERROR_INVALID_HANDLE;
    hEvent->recorded = false;
    enqueue(s, [hEvent] {
        hEvent->at = std::chrono::steady_clock::now();
        hEvent->recorded = true;
    });
    return CUDA_SUCCESS;
}

CUresult cuEventSynchronize(CUevent hEvent) {
    if (CUresult r = needContext()) return r;
    if (!validEvent(hEvent)) return CUDA_ERROR_INVALID_HANDLE;
    waitAll();
    g_syncs++;
    return g_sticky.load();
}

CUresult cuEventQuery(CUevent hEvent) {
    if (CUresult r = needContext()) return r;
    if (!validEvent(hEvent)) return CUDA_ERROR_INVALID_HANDLE;
    std::lock_guard<std::mutex> lock(S.m);
    return hEvent->recorded ? CUDA_SUCCESS : CUDA_ERROR_NOT_READY;
}

CUresult cuEventElapsedTime(float* ms, CUevent start, CUevent end) {
    if (CUresult r = needContext()) return r;
    if (ms == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (!validEvent(start) || !validEvent(end)) return CUDA_ERROR_INVALID_HANDLE;
    std::lock_guard<std::mutex> lock(S.m);
    if (!start->recorded || !end->recorded) return CUDA_ERROR_NOT_READY;
    *ms = std::chrono::duration<float, std::milli>(end->at - start->at).count();
    return CUDA_SUCCESS;
}

CUresult cuEventDestroy_v2(CUevent hEvent) {
    if (CUresult r = needContext()) return r;
    if (!validEvent(hEvent)) return CUDA_ERROR_INVALID_HANDLE;
    waitAll();
    std::lock_guard<std::mutex> lock(S.m);
    S.events.erase(hEvent);
    delete hEvent;
    return CUDA_SUCCESS;
}
}  // extern "C"
