import{r as e,t}from"./chunk-QB3YPZ4I-CXnnqzTa.js";import"./chunk-TU62E6Q5-BqK3mApL.js";import"./mermaid.core-B_SXlnSZ.js";import"./chunk-HFQBQIA3-DMwNNQoK.js";import"./chunk-M57EVK23-Bwhq8zGK.js";import"./chunk-DQASFODM-CIE81ksQ.js";import"./chunk-LEVMRMFU-ugQ-ZmNA.js";import"./chunk-AXFCVDMN-Bx6vUWU4.js";import"./chunk-X4PVCEUW-C2qZnosZ.js";import"./chunk-STOXU5M4-B7-3SKuv.js";import"./chunk-R3KSYZAL-DtERlCkI.js";import"./chunk-6MUBBAK2-wbgnIzLH.js";import"./chunk-BG4553SI-Clzk0QPP.js";import"./d3-selection-Cc8-Mg_F.js";import{n}from"./chunk-Y2CYZVJY-DsF7k-Jl.js";var r=t({styles:n(t=>`${e(t)}
  .swimlane.cluster:not([data-color-id]) rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,`getStyles`)});export{r as diagram};