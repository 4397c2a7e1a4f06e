import io.myelin.backend.*; import io.myelin.train.*; import io.myelin.nn.*; import io.myelin.loss.*; import io.myelin.optim.*;
import java.util.*;
public class StepBench {
  public static void main(String[] a) throws Exception {
    int batch = Integer.parseInt(a[0]); int n = 60000; int reps = Integer.parseInt(a[1]);
    int[] hidden = Arrays.stream(a[2].split(",")).mapToInt(Integer::parseInt).toArray();
    float[] x = new float[n*784]; float[] y = new float[n]; Random r = new Random(1);
    for (int i=0;i<x.length;i++) x[i]=r.nextFloat(); for(int i=0;i<n;i++) y[i]=r.nextInt(10);
    try (Backend be = Backends.create("cpu"); Sequential m = new Sequential(be, 784, 42)) {
      for (int h: hidden) m.add(new Dense(h, "relu"));
      m.add(new Dense(10, "softmax"));
      m.compile(Losses.create("sparse_categorical_crossentropy"), Optimizer.adam(1e-3f), List.of("accuracy"));
      DataSet d = new DataSet(x, y, n);
      double[] t = new double[reps];
      for (int i=0;i<reps;i++) { long t0=System.nanoTime(); m.fit(d, FitConfig.builder().epochs(1).batchSize(batch).build()); t[i]=(System.nanoTime()-t0)/1e9; }
      System.out.println(Arrays.toString(t)); Arrays.sort(t);
      System.out.printf("batch %d min %.3f median %.3f s/epoch%n", batch, t[0], t[reps/2]);
    }
  }
}
