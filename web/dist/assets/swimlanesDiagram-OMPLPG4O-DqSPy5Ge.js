import{r as e,t}from"./chunk-QB3YPZ4I-meDp2R_i.js";import"./chunk-TU62E6Q5-DCdLZA5b.js";import"./mermaid.core-D-uxC3mU.js";import"./chunk-HFQBQIA3-CtwRBtJ8.js";import"./chunk-M57EVK23-ClqLBIwK.js";import"./chunk-DQASFODM-D_0ZXT2x.js";import"./chunk-LEVMRMFU-57b-Pqb7.js";import"./chunk-AXFCVDMN-B0N5ueTc.js";import"./chunk-X4PVCEUW-DigbW4q_.js";import"./chunk-STOXU5M4-BlFbid30.js";import"./chunk-R3KSYZAL-C9yFeBny.js";import"./chunk-6MUBBAK2-DOna8d2-.js";import"./chunk-BG4553SI-DwJNYz8L.js";import"./d3-selection-DQP8Wx2S.js";import{n}from"./chunk-Y2CYZVJY-DsF7k-Jl.js";var r=t({styles:n(t=>`${e(t)}
  .swimlane.cluster:not([data-color-id]) rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,`getStyles`)});export{r as diagram};