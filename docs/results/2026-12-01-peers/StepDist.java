import io.myelin.backend.*; import io.myelin.train.*; import io.myelin.nn.*; import io.myelin.loss.*; import io.myelin.optim.*;
import java.util.*;
public class StepDist {
  public static void main(String[] a) throws Exception {
    int batch = Integer.parseInt(a[0]); int n = a.length > 1 ? Integer.parseInt(a[1]) : 60000;
    float[] x = new float[n*784]; float[] y = new float[n]; Random r = new Random(1);
    for (int i=0;i<x.length;i++) x[i]=r.nextFloat(); for(int i=0;i<n;i++) y[i]=r.nextInt(10);
    try (Backend be = Backends.create("cpu"); Sequential m = new Sequential(be, 784, 42)) {
      m.add(new Dense(256, "relu")).add(new Dense(128, "relu")).add(new Dense(10, "softmax"));
      m.compile(Losses.create("sparse_categorical_crossentropy"), Optimizer.adam(1e-3f), List.of("accuracy"));
      DataSet d = new DataSet(x, y, n);
      long[] t = new long[100000]; int[] k = {0}; long[] t0 = {0};
      Callback cb = new Callback() {
        public void onBatchBegin(TrainingState s, long step) { t0[0] = System.nanoTime(); }
        public void onBatchEnd(TrainingState s, long step) { t[k[0]++] = System.nanoTime() - t0[0]; }
      };
      History h = m.fit(d, FitConfig.builder().epochs(3).batchSize(batch).callback(cb).build()); System.out.println("epoch_seconds " + h.get("epoch_seconds"));
      int per = (n + batch - 1) / batch;
      long[] last = Arrays.copyOfRange(t, 2*per, 3*per); long sum=0; for (long v: last) sum+=v;
      long[] s = last.clone(); Arrays.sort(s);
      System.out.printf("epoch3: sum %.3f s, p50 %.3f p90 %.3f p99 %.3f max %.3f ms%n", sum/1e9, s[per/2]/1e6, s[per*9/10]/1e6, s[per*99/100]/1e6, s[per-1]/1e6);
      StringBuilder sb = new StringBuilder("slow steps (>2x median): ");
      for (int i=0;i<per;i++) if (last[i] > 2*s[per/2]) sb.append(i).append(':').append(String.format("%.1f ", last[i]/1e6));
      System.out.println(sb);
    }
  }
}
