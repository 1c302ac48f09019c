//! Max-pooling on a tiny tensor: each 2×2 window keeps its largest value, so the map halves in
//! size and a feature that moves by one pixel inside a window gives the same output.
//!
//! cargo run --release --example max_pooling

use rlab::models::{image_cnn, CnnConfig};
use tch::{nn, nn::ModuleT, Device, Kind, Tensor};

fn show(name: &str, t: &Tensor) {
    let size = t.size();
    let (h, w) = (size[size.len() - 2], size[size.len() - 1]);
    let v: Vec<f32> = Vec::try_from(t.flatten(0, -1)).unwrap();
    println!("{name} ({h}×{w}):");
    for r in 0..h {
        let row: Vec<String> = (0..w).map(|c| format!("{:>4}", v[(r * w + c) as usize])).collect();
        println!("  {}", row.join(""));
    }
}

fn main() {
    let x = Tensor::from_slice(&[1f32, 3., 0., 2., 4., 8., 1., 1., 0., 0., 5., 6., 2., 9., 7., 0.]).view([1, 1, 4, 4]);
    show("input", &x);
    show("max-pool 2×2, stride 2", &x.max_pool2d_default(2));

    // The same edge one pixel to the right, still inside the same windows: same pooled output.
    let a = Tensor::zeros([1, 1, 4, 4], (Kind::Float, Device::Cpu));
    let _ = a.narrow(3, 0, 1).fill_(1.0);
    let b = Tensor::zeros([1, 1, 4, 4], (Kind::Float, Device::Cpu));
    let _ = b.narrow(3, 1, 1).fill_(1.0);
    show("edge in column 0", &a);
    show("edge in column 1", &b);
    println!("pooled outputs equal: {}\n", a.max_pool2d_default(2).equal(&b.max_pool2d_default(2)));

    // rlab's image CNN stacks conv → ReLU → max-pool blocks; each block halves the map.
    let vs = nn::VarStore::new(Device::Cpu);
    let cfg = CnnConfig { channels: vec![4, 8], dense: vec![16], ..Default::default() };
    let net = image_cnn(vs.root(), 1, 28, 28, 10, &cfg).unwrap();
    let logits = net.forward_t(&Tensor::rand([2, 1, 28, 28], (Kind::Float, Device::Cpu)), false);
    println!("CnnConfig channels [4, 8]: 28×28 → 14×14 → 7×7 → dense: logits of shape {:?}", logits.size());
}
